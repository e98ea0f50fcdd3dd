using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// The chain rule: Hash = hex(SHA-256(previousHash || canonical content)). Changing any field, or a row's
/// place in the chain, changes its hash and so breaks every later link.
public static class AuditHasher
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(AuditEvent e)
    {
        // Fields joined with a separator that cannot occur unescaped; times as UTC ticks so providers agree.
        var canonical = string.Join('\u001f',
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.OrganizationId?.ToString("N") ?? "",
            ((int)e.ActorType).ToString(CultureInfo.InvariantCulture),
            Escape(e.ActorId), Escape(e.ActorName),
            ((int)e.Type).ToString(CultureInfo.InvariantCulture),
            Escape(e.TargetType), Escape(e.TargetId), Escape(e.IpAddress), Escape(e.UserAgent),
            e.Succeeded ? "1" : "0",
            Escape(e.Details));
        var input = Encoding.UTF8.GetBytes(e.PreviousHash + canonical);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    private static string Escape(string? value) => value is null ? "\u0000" : value.Replace("\u001f", "\u001f\u001f");
}
