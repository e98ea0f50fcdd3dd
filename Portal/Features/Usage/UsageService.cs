using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.Tenancy;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.Usage;

public sealed record UsageDay(string Date, string Service, long Issued, IReadOnlyDictionary<string, long> Refused);

public sealed record UsageReport(IReadOnlyList<UsageDay> Days);

public sealed record NamedCount(Guid Id, string Name, long Count);

public sealed record ReasonCount(string Code, long Count);

/// Figures of a date range, for one project or the whole organization. Rows keeps the detail for CSV export.
public sealed record UsageSummary(string From, string To, long Issued, long Refused, IReadOnlyList<UsageDay> Days,
    IReadOnlyList<ReasonCount> Refusals, IReadOnlyList<NamedCount> TopProjects, IReadOnlyList<NamedCount> TopKeys,
    IReadOnlyList<UsageCsvRow> Rows);

public sealed record UsageCsvRow(string Date, string Project, string ApiKey, string Service, string Outcome, long Count);

/// Daily figures from the usage counters (raw while kept, aggregates after): the project usage API, the Usage
/// pages and the daily reports all read through here.
public sealed class UsageService(OrganizationAccess access, TenantDb tenants, ProjectLookup lookup, TimeProvider clock)
{
    public const int MaxRangeDays = 400;
    public const int TopCount = 5;

    /// The project usage API: daily figures only, so no names are looked up and no CSV rows are built.
    public async Task<Result<UsageReport>> ProjectAsync(OrgCaller caller, Guid projectId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var read = await ReadAsync(db, caller, projectId, from, to, ct);
        return read.Ok ? new UsageReport(DaysOf(read.Value.Rows)) : read.Error;
    }

    public async Task<Result<UsageSummary>> SummaryAsync(OrgCaller caller, Guid? projectId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var read = await ReadAsync(db, caller, projectId, from, to, ct);
        return read.Ok ? await SummarizeAsync(db, read.Value.Rows, read.Value.First, read.Value.Last, ct) : read.Error;
    }

    /// The range checked (30 days up to today by default) and its rows; another organization's project is not found.
    private async Task<Result<(DateOnly First, DateOnly Last, List<UsageRow> Rows)>> ReadAsync(PortalDbContext db, OrgCaller caller,
        Guid? projectId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        var today = UsageDays.Today(clock);
        var last = to ?? today;
        var first = from ?? last.AddDays(-29);
        if (first > last) return ServiceError.Validation("range_invalid", "`from` must not be after `to`.", "from");
        if (last.DayNumber - first.DayNumber >= MaxRangeDays)
            return ServiceError.Validation("range_too_long", $"Ask for at most {MaxRangeDays} days at a time.", "from");
        if (projectId is { } id && !await db.Projects.AnyAsync(p => p.Id == id, ct)) return await lookup.NotFoundAsync(caller, id, ct);
        return (first, last, await UsageSource.ReadAsync(db, today, UsageDays.Of(first), UsageDays.Of(last), projectId, ct));
    }

    private static List<UsageDay> DaysOf(List<UsageRow> rows) => rows.GroupBy(r => (r.Day, r.Service))
        .OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Service)
        .Select(g => new UsageDay(UsageDays.Text(g.Key.Day), g.Key.Service,
            g.Where(r => r.Outcome == UsageRecorder.Issued).Sum(r => r.Count),
            g.Where(r => r.Outcome != UsageRecorder.Issued).GroupBy(r => r.Outcome).ToDictionary(o => o.Key, o => o.Sum(r => r.Count))))
        .ToList();

    /// Shared with the daily report: figures and names (as they are now) of the given rows.
    internal static async Task<UsageSummary> SummarizeAsync(PortalDbContext db, List<UsageRow> rows, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var projectIds = rows.Select(r => r.ProjectId).Distinct().ToList();
        var keyIds = rows.Select(r => r.ApiKeyId).Where(k => k != Guid.Empty).Distinct().ToList();
        var projects = await db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id))
            .ToDictionaryAsync(k => k.Id, k => $"{k.Name} ({k.Prefix}…)", ct);
        // Token exchanges are counted under their identity provider's id, as key requests under the key's.
        foreach (var p in await db.IdentityProviders.AsNoTracking().Where(p => keyIds.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToListAsync(ct))
            keys[p.Id] = $"{p.Name} (sign-in)";
        string Project(Guid id) => projects.GetValueOrDefault(id) ?? "(deleted project)";
        string Key(Guid id) => id == Guid.Empty ? "(no key)" : keys.GetValueOrDefault(id) ?? "(deleted key)";

        var issued = rows.Where(r => r.Outcome == UsageRecorder.Issued).ToList();
        var days = DaysOf(rows);
        var refusals = rows.Where(r => r.Outcome != UsageRecorder.Issued).GroupBy(r => r.Outcome)
            .Select(g => new ReasonCount(g.Key, g.Sum(r => r.Count))).OrderByDescending(r => r.Count).ThenBy(r => r.Code).ToList();
        var topProjects = issued.GroupBy(r => r.ProjectId).Select(g => new NamedCount(g.Key, Project(g.Key), g.Sum(r => r.Count)))
            .OrderByDescending(n => n.Count).ThenBy(n => n.Name, StringComparer.Ordinal).Take(TopCount).ToList();
        var topKeys = issued.GroupBy(r => r.ApiKeyId).Select(g => new NamedCount(g.Key, Key(g.Key), g.Sum(r => r.Count)))
            .OrderByDescending(n => n.Count).ThenBy(n => n.Name, StringComparer.Ordinal).Take(TopCount).ToList();
        var detail = rows.OrderBy(r => r.Day).ThenBy(r => Project(r.ProjectId), StringComparer.Ordinal).ThenBy(r => Key(r.ApiKeyId), StringComparer.Ordinal)
            .ThenBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Outcome, StringComparer.Ordinal)
            .Select(r => new UsageCsvRow(UsageDays.Text(r.Day), Project(r.ProjectId), Key(r.ApiKeyId), r.Service, r.Outcome, r.Count))
            .ToList();
        return new UsageSummary(UsageDays.Text(UsageDays.Of(first)), UsageDays.Text(UsageDays.Of(last)), issued.Sum(r => r.Count),
            rows.Sum(r => r.Count) - issued.Sum(r => r.Count), days, refusals, topProjects, topKeys, detail);
    }
}
