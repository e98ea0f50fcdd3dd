using Microsoft.EntityFrameworkCore;
using Portal.Data.Tenancy;

namespace Portal.Features.Usage;

/// Hourly: copies the raw counters into the daily aggregates, for today, yesterday and every other day whose
/// aggregates do not add up to the raw counters (a day missed while the job was down, or an upgrade). Each day is
/// one set-based upsert that *sets* each aggregate to the raw count and never lowers it: running twice,
/// concurrently, or again after dying half way gives the same rows.
public sealed class UsageRollupJob(TenantDb tenants, TimeProvider clock, ILogger<UsageRollupJob> log)
{
    public const string RecurringId = "usage-rollup";
    public const string Cron = "5 * * * *";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("usage rollup covers every organization", ct);
        var today = UsageDays.Today(clock);
        var since = UsageDays.Of(today.AddDays(-UsageCleanupJob.RawRetentionDays));
        var raw = await db.UsageCounters.Where(u => u.Day >= since).GroupBy(u => u.Day)
            .Select(g => new DayTotal(g.Key, g.Count(), g.Sum(u => u.Count))).ToListAsync(ct);
        var rolled = (await db.UsageDaily.Where(u => u.Day >= since).GroupBy(u => u.Day)
            .Select(g => new DayTotal(g.Key, g.Count(), g.Sum(u => u.Count))).ToListAsync(ct)).ToHashSet();
        var days = raw.Where(d => !rolled.Contains(d)).Select(d => d.Day)
            .Union([UsageDays.Of(today.AddDays(-1)), UsageDays.Of(today)]).Order().ToList();
        var rows = 0;
        foreach (var day in days) rows += await RollUpAsync(db, day, day, ct);
        log.LogInformation("Usage rollup: {Rows} daily rows over {Days} days", rows, days.Count);
    }

    private sealed record DayTotal(int Day, int Rows, long Count);

    /// INSERT … SELECT … ON CONFLICT works on SQLite and PostgreSQL alike. The CASE keeps the larger count, so a
    /// slower concurrent run that read the counters earlier cannot move an aggregate backwards.
    internal static Task<int> RollUpAsync(Portal.Data.PortalDbContext db, int from, int to, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "UsageDaily" ("OrganizationId", "ProjectId", "ApiKeyId", "Service", "Day", "Outcome", "Count")
            SELECT "OrganizationId", "ProjectId", "ApiKeyId", "Service", "Day", "Outcome", "Count"
            FROM "UsageCounters" WHERE "Day" >= {from} AND "Day" <= {to}
            ON CONFLICT ("ProjectId", "ApiKeyId", "Service", "Day", "Outcome") DO UPDATE SET "Count" =
                CASE WHEN excluded."Count" > "UsageDaily"."Count" THEN excluded."Count" ELSE "UsageDaily"."Count" END
            """, ct);
}
