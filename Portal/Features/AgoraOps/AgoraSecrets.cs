using Microsoft.AspNetCore.DataProtection;

namespace Portal.Features.AgoraOps;

/// Encrypts Customer Secrets with Data Protection (key ring protected by the master key, as certificates are) under
/// their own purpose, so a certificate's ciphertext pasted here would not decrypt.
public sealed class AgoraSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.AgoraAccounts.v1");
    private readonly IDataProtector _ncs = provider.CreateProtector("Portal.Ncs.v1");

    public string ProtectNcs(string secret) => _ncs.Protect(secret);

    public string UnprotectNcs(string protectedSecret) => _ncs.Unprotect(protectedSecret);

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    public static string Fingerprint(string secret) => $"{secret[..4]}…{secret[^4..]}";
}
