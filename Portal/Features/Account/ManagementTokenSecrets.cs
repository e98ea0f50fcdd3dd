using System.Security.Cryptography;
using Portal.Security;

namespace Portal.Features.Account;

/// Management token secrets: `ptm_` + 43 base64url characters (see RandomSecrets); stored as SHA-256 and a prefix.
public static class ManagementTokenSecrets
{
    public const string Scheme = "ptm_";
    public const int PrefixLength = 12;

    public static string NewToken() => RandomSecrets.New(Scheme);

    public static string PrefixOf(string token) => token.Length <= PrefixLength ? token : token[..PrefixLength];

    public static byte[] Hash(string token) => RandomSecrets.Sha256(token);

    public static bool Matches(string token, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);
}
