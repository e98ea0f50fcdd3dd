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

    /// Up to 4 characters at each end, always leaving at least 8 hidden from 12 characters on (and 6 of the shortest,
    /// 8-character secrets): 4…4 of an 8-character secret would have been the whole secret, shown to every member.
    public static string Fingerprint(string secret)
    {
        var n = Math.Clamp((secret.Length - 8) / 2, 1, 4);
        return $"{secret[..n]}…{secret[^n..]}";
    }
}
