using System.Globalization;
using Portal.Common;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

public enum AuditOutcome { Any, Succeeded, Refused }

/// What a reader of the audit log asks for: the same filter for the page, the API and both export formats.
/// <see cref="Before"/> is the keyset cursor: only events with a smaller Sequence (newest first).
public sealed record AuditFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    IReadOnlyList<AuditEventType>? Types = null,
    string? Area = null,
    string? Actor = null,
    Guid? ProjectId = null,
    AuditOutcome Outcome = AuditOutcome.Any,
    string? Text = null,
    long? Before = null,
    int Limit = AuditFilter.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxTextLength = 200;

    /// Parses the query string of the API (`from, to, type, area, actor, projectId, outcome, q, cursor, limit`).
    /// Every refusal names the parameter and has a stable code, so scripts can tell what to fix.
    public static Result<AuditFilter> Parse(Func<string, string?> query)
    {
        var filter = new AuditFilter();
        if (query("from") is { Length: > 0 } from)
        {
            if (!TryTime(from, out var at)) return Bad("from_invalid", "`from` must be an ISO 8601 time such as 2026-01-31T00:00:00Z.", "from");
            filter = filter with { From = at };
        }
        if (query("to") is { Length: > 0 } to)
        {
            if (!TryTime(to, out var at)) return Bad("to_invalid", "`to` must be an ISO 8601 time such as 2026-01-31T23:59:59Z.", "to");
            filter = filter with { To = at };
        }
        if (filter.From > filter.To) return Bad("range_invalid", "`from` is after `to`: swap them.", "from");
        if (query("type") is { Length: > 0 } typeText)
        {
            var types = new List<AuditEventType>();
            foreach (var part in typeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!AuditAreas.TryParseType(part, out var type))
                    return Bad("type_invalid", $"`type` {Cut(part)} is not an audit event type: use names such as CertificatePromoted or their numbers (see docs/admin-guide.md).", "type");
                types.Add(type);
            }
            filter = filter with { Types = types };
        }
        if (query("area") is { Length: > 0 } area)
        {
            if (AuditAreas.Find(area) is not { } found)
                return Bad("area_invalid", $"`area` must be one of: {string.Join(", ", AuditAreas.All.Select(a => a.Key))}.", "area");
            filter = filter with { Area = found.Key };
        }
        if (query("actor") is { Length: > 0 } actor)
        {
            if (actor.Length > 256) return Bad("actor_invalid", "`actor` is a user id or e-mail address of at most 256 characters.", "actor");
            filter = filter with { Actor = actor.Trim() };
        }
        if (query("projectId") is { Length: > 0 } project)
        {
            if (!Guid.TryParse(project, out var projectId)) return Bad("project_id_invalid", "`projectId` must be a project id (a GUID).", "projectId");
            filter = filter with { ProjectId = projectId };
        }
        if (query("outcome") is { Length: > 0 } outcome)
        {
            AuditOutcome? parsed = outcome.ToLowerInvariant() switch { "any" => AuditOutcome.Any, "succeeded" => AuditOutcome.Succeeded, "refused" => AuditOutcome.Refused, _ => null };
            if (parsed is null) return Bad("outcome_invalid", "`outcome` must be succeeded, refused or any.", "outcome");
            filter = filter with { Outcome = parsed.Value };
        }
        if (query("q") is { Length: > 0 } text)
        {
            if (text.Length > MaxTextLength) return Bad("q_invalid", $"`q` searches the details for a text of at most {MaxTextLength} characters.", "q");
            filter = filter with { Text = text };
        }
        if (query("cursor") is { Length: > 0 } cursor)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before) || before < 1)
                return Bad("cursor_invalid", "`cursor` must be the `nextCursor` value of a previous page, unchanged.", "cursor");
            filter = filter with { Before = before };
        }
        if (query("limit") is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxLimit)
                return Bad("limit_invalid", $"`limit` must be a whole number from 1 to {MaxLimit}.", "limit");
            filter = filter with { Limit = limit };
        }
        return filter;
    }

    /// Round-trips a filter into API query parameters (for export links built by the page).
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("from", From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("to", To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("type", Types is { Count: > 0 } ? string.Join(',', Types) : null);
        Add("area", Area);
        Add("actor", Actor);
        Add("projectId", ProjectId?.ToString());
        Add("outcome", Outcome == AuditOutcome.Any ? null : Outcome.ToString().ToLowerInvariant());
        Add("q", Text);
        return string.Join('&', parts);
    }

    private static bool TryTime(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at)
        && text.Length >= 10 && char.IsDigit(text[0]);

    private static string Cut(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}…'";

    private static ServiceError Bad(string code, string message, string field) => ServiceError.Validation(code, message, field);
}
