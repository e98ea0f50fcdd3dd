using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Account;

/// Management token secrets: `ptm_` + 43 base64url characters (256 random bits). Only SHA-256 and a prefix are
/// stored; a fast hash is right here because the secret is random, not a human password.
public static class ManagementTokenSecrets
{
    public const string Scheme = "ptm_";
    public const int PrefixLength = 12;

    public static string NewToken() => Scheme + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string PrefixOf(string token) => token.Length <= PrefixLength ? token : token[..PrefixLength];

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool Matches(string token, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
