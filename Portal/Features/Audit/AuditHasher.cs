using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// The chain rule: Hash = hex(SHA-256(canonical form of the row, including the previous row's hash)). Changing any
/// field, or a row's place in the chain, changes its hash and so breaks every later link. Each row records the
/// version of the canonical form it was hashed with, so rows written before a change of form still verify.
public static class AuditHasher
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// The form new rows are written with.
    public const int CurrentVersion = 2;

    public static bool IsKnownVersion(int version) => version is 1 or 2;

    public static string Compute(AuditEvent e) => e.HashVersion switch
    {
        1 => Version1(e),
        2 => Version2(e),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.HashVersion, "Unknown audit hash version."),
    };

    /// Version 2: every field length-prefixed, with a distinct marker for null, so no two different rows share an
    /// encoding (version 1's escaping was not one-to-one: `a\x1f|b` and `a|\x1fb` collided, and null equalled "\0").
    private static string Version2(AuditEvent e)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[5];
        void Field(string? value)
        {
            if (value is null)
            {
                head[0] = 0;
                hash.AppendData(head, 0, 1);
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            head[0] = 1;
            BinaryPrimitives.WriteInt32BigEndian(head.AsSpan(1), bytes.Length);
            hash.AppendData(head);
            hash.AppendData(bytes);
        }
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        Field("portal-audit-v2");
        Field(e.PreviousHash);
        Field(Number(e.Sequence));
        Field(Number(e.OccurredAt.UtcTicks)); // UTC ticks so providers agree
        Field(e.OrganizationId?.ToString("N"));
        Field(Number((int)e.ActorType));
        Field(e.ActorId);
        Field(e.ActorName);
        Field(Number((int)e.Type));
        Field(e.TargetType);
        Field(e.TargetId);
        Field(e.IpAddress);
        Field(e.UserAgent);
        Field(e.Succeeded ? "1" : "0");
        Field(e.Details);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// Version 1 (rows written before version 2): fields joined with U+001F, which was doubled inside a field.
    private static string Version1(AuditEvent e)
    {
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
