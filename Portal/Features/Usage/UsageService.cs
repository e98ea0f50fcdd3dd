using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data.Tenancy;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.Usage;

public sealed record UsageDay(string Date, string Service, long Issued, IReadOnlyDictionary<string, long> Refused);

public sealed record UsageReport(IReadOnlyList<UsageDay> Days);

/// Daily figures of one project from the flushed counters.
public sealed class UsageService(TenantDb tenants, ProjectLookup lookup, TimeProvider clock)
{
    public async Task<Result<UsageReport>> ProjectAsync(OrgCaller caller, Guid projectId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var last = to ?? today;
        var first = from ?? last.AddDays(-29);
        if (first > last) return ServiceError.Validation("range_invalid", "`from` must not be after `to`.", "from");
        if (last.DayNumber - first.DayNumber > 400) return ServiceError.Validation("range_too_long", "Ask for at most 400 days at a time.", "from");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return (await lookup.NotFoundAsync(caller, projectId, ct)).Error!;
        int Day(DateOnly d) => d.Year * 10_000 + d.Month * 100 + d.Day;
        var (lo, hi) = (Day(first), Day(last));
        var rows = await db.UsageCounters.AsNoTracking()
            .Where(u => u.ProjectId == projectId && u.Day >= lo && u.Day <= hi)
            .GroupBy(u => new { u.Day, u.Service, u.Outcome })
            .Select(g => new { g.Key.Day, g.Key.Service, g.Key.Outcome, Count = g.Sum(u => u.Count) })
            .ToListAsync(ct);
        var days = rows.GroupBy(r => (r.Day, r.Service)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Service)
            .Select(g => new UsageDay(
                $"{g.Key.Day / 10_000:D4}-{g.Key.Day / 100 % 100:D2}-{g.Key.Day % 100:D2}", g.Key.Service,
                g.Where(r => r.Outcome == UsageRecorder.Issued).Sum(r => r.Count),
                g.Where(r => r.Outcome != UsageRecorder.Issued).ToDictionary(r => r.Outcome, r => r.Count)))
            .ToList();
        return new UsageReport(days);
    }
}
