using Microsoft.EntityFrameworkCore;
using Portal.Data.Tenancy;

namespace Portal.Features.Usage;

/// Daily: raw counters are kept 35 days and daily aggregates 400. Raw rows are rolled up once more before
/// they go, so a rollup that never ran for those days cannot lose them. Deleting is idempotent.
public sealed class UsageCleanupJob(TenantDb tenants, TimeProvider clock, ILogger<UsageCleanupJob> log)
{
    public const string RecurringId = "usage-cleanup";
    public const string Cron = "30 2 * * *";
    public const int RawRetentionDays = 35;
    public const int AggregateRetentionDays = 400;

    public async Task RunAsync(CancellationToken ct)
    {
        var today = UsageDays.Today(clock);
        var rawCutoff = UsageDays.Of(today.AddDays(-RawRetentionDays));
        var aggregateCutoff = UsageDays.Of(today.AddDays(-AggregateRetentionDays));
        await using var db = await tenants.UnfilteredAsync("usage retention covers every organization", ct);
        var oldest = await db.UsageCounters.MinAsync(u => (int?)u.Day, ct);
        if (oldest is { } first && first < rawCutoff)
            await UsageRollupJob.RollUpAsync(db, first, rawCutoff - 1, ct);
        var raw = await db.UsageCounters.Where(u => u.Day < rawCutoff).ExecuteDeleteAsync(ct);
        var daily = await db.UsageDaily.Where(u => u.Day < aggregateCutoff).ExecuteDeleteAsync(ct);
        var reports = await db.DailyReports.Where(r => r.Day < aggregateCutoff).ExecuteDeleteAsync(ct);
        log.LogInformation("Usage clean-up: {Raw} raw counters, {Daily} daily rows, {Reports} reports removed", raw, daily, reports);
    }
}
