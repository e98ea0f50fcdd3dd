using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Features.Certificates;

/// Encrypts App Certificates with Data Protection (key ring protected by the master key) and derives the
/// fingerprint people see: the first 4 and last 4 characters, never more.
public sealed class CertificateSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.Certificates.v1");

    public string Protect(string certificate) => _protector.Protect(certificate);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    public static string Generate() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    public static string Fingerprint(string certificate) => $"{certificate[..4]}…{certificate[^4..]}";
}
