using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Notifications;

/// `Portal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp is signed
/// with the body, so a receiver can refuse old replays; receivers compare in constant time.
public static class WebhookSignature
{
    public const string Header = "Portal-Signature";

    public static string Sign(string secret, long unixSeconds, string body) => $"t={unixSeconds},v1={Hex(secret, unixSeconds, body)}";

    /// What a receiver does (docs/admin-guide.md shows the same in a few lines of Python): recompute and compare, and check the age.
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        long? t = null;
        string? v1 = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(part[2..], out var ts)) t = ts;
            else if (part.StartsWith("v1=", StringComparison.Ordinal)) v1 = part[3..];
        }
        if (t is null || v1 is null || Math.Abs(now.ToUnixTimeSeconds() - t.Value) > tolerance.TotalSeconds) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hex(secret, t.Value, body)), Encoding.ASCII.GetBytes(v1));
    }

    private static string Hex(string secret, long unixSeconds, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}")));
}
