using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// An area of the audit log: one block of 100 event numbers (AuditEventType's layout).
public sealed record AuditArea(string Key, string Label, int First)
{
    public int Last => First + 99;

    public IEnumerable<AuditEventType> Types => Enum.GetValues<AuditEventType>().Where(t => (int)t >= First && (int)t <= Last);
}

public static partial class AuditAreas
{
    public static readonly IReadOnlyList<AuditArea> All =
    [
        new("system", "System", 100),
        new("accounts", "Accounts and sign-in", 1000),
        new("projects", "Projects", 1100),
        new("organizations", "Organizations", 1200),
        new("members", "Members and invitations", 1300),
        new("certificates", "Certificates", 1400),
        new("policies", "Token policies", 1500),
        new("api-keys", "API keys and tokens", 1600),
        new("notifications", "Reports and notifications", 1700),
        new("sign-in", "Identity providers and token exchange", 1800),
        new("security", "Security", 1900),
        new("agora", "Agora operations", 2000),
    ];

    public static AuditArea? Find(string key) => All.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase));

    public static AuditArea? Of(AuditEventType type) => All.FirstOrDefault(a => (int)type >= a.First && (int)type <= a.Last);

    /// A name ("CertificatePromoted", any case) or a number ("1402") of a defined event type.
    public static bool TryParseType(string text, out AuditEventType type)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            type = (AuditEventType)number;
            return Enum.IsDefined(type);
        }
        return Enum.TryParse(text, ignoreCase: true, out type) && Enum.IsDefined(type) && !char.IsDigit(text[0]);
    }

    /// "CertificatePromoted" → "Certificate promoted".
    public static string Describe(AuditEventType type)
    {
        var words = Words().Replace(type.ToString(), " $1").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex Words();
}
