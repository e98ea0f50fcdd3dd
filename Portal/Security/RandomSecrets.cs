using System.Security.Cryptography;
using System.Text;

namespace Portal.Security;

/// The one recipe for bearer secrets (management tokens, API keys, invitation links): 256 random bits in
/// base64url behind a readable prefix, stored only as SHA-256 — a fast hash is right for a random secret.
public static class RandomSecrets
{
    public static string New(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Sha256(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
