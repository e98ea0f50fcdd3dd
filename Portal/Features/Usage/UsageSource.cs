using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Usage;

public sealed record UsageRow(Guid ProjectId, Guid ApiKeyId, string Service, int Day, string Outcome, long Count);

/// Reads usage for a range of days: the raw counters while they are kept (they are current to the last few
/// seconds), the daily aggregates for older days. The caller's context decides the organization.
public static class UsageSource
{
    public static async Task<List<UsageRow>> ReadAsync(PortalDbContext db, DateOnly today, int from, int to, Guid? projectId, CancellationToken ct)
    {
        var rawFrom = UsageDays.Of(today.AddDays(-(UsageCleanupJob.RawRetentionDays - 1)));
        var rows = new List<UsageRow>();
        if (to >= rawFrom)
        {
            var lo = Math.Max(from, rawFrom);
            var raw = db.UsageCounters.AsNoTracking().Where(u => u.Day >= lo && u.Day <= to);
            if (projectId is { } p) raw = raw.Where(u => u.ProjectId == p);
            rows.AddRange(await raw.Select(u => new UsageRow(u.ProjectId, u.ApiKeyId, u.Service, u.Day, u.Outcome, u.Count)).ToListAsync(ct));
        }
        if (from < rawFrom)
        {
            var hi = Math.Min(to, rawFrom - 1);
            var daily = db.UsageDaily.AsNoTracking().Where(u => u.Day >= from && u.Day <= hi);
            if (projectId is { } p) daily = daily.Where(u => u.ProjectId == p);
            rows.AddRange(await daily.Select(u => new UsageRow(u.ProjectId, u.ApiKeyId, u.Service, u.Day, u.Outcome, u.Count)).ToListAsync(ct));
        }
        return rows;
    }
}
