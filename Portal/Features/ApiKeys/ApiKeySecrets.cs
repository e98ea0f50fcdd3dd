using Portal.Data.ApiKeys;
using Portal.Security;

namespace Portal.Features.ApiKeys;

/// `sk_live_…` (secret) and `pk_live_…` (publishable) keys (see RandomSecrets), stored as SHA-256 plus a 12-character prefix.
public static class ApiKeySecrets
{
    public const string SecretPrefix = "sk_live_";
    public const string PublishablePrefix = "pk_live_";
    public const int VisiblePrefixLength = 12;

    public static string New(ApiKeyKind kind) => RandomSecrets.New(kind == ApiKeyKind.Secret ? SecretPrefix : PublishablePrefix);

    public static byte[] Hash(string key) => RandomSecrets.Sha256(key);

    public static bool LooksSecret(string key) => key.StartsWith(SecretPrefix, StringComparison.Ordinal);
}
