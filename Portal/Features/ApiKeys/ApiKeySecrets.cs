using System.Security.Cryptography;
using System.Text;
using Portal.Data.ApiKeys;

namespace Portal.Features.ApiKeys;

/// `sk_live_…` (secret) and `pk_live_…` (publishable) keys: 32 random bytes in base64url. Stored as SHA-256
/// (a fast hash is right for a 256-bit random secret) plus a 12-character visible prefix.
public static class ApiKeySecrets
{
    public const string SecretPrefix = "sk_live_";
    public const string PublishablePrefix = "pk_live_";
    public const int VisiblePrefixLength = 12;

    public static string New(ApiKeyKind kind) =>
        (kind == ApiKeyKind.Secret ? SecretPrefix : PublishablePrefix) +
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool LooksSecret(string key) => key.StartsWith(SecretPrefix, StringComparison.Ordinal);
}
