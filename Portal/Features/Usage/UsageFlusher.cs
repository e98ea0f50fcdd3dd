using Microsoft.EntityFrameworkCore;
using Portal.Data.Tenancy;
using Portal.Data.Usage;

namespace Portal.Features.Usage;

/// Writes the in-memory counts every 2 seconds and once more on graceful shutdown; a crash loses at most the
/// last interval. Rows are incremented (never overwritten), so several instances' flushes add up.
public sealed class UsageFlusher(UsageRecorder recorder, TenantDb tenants, ILogger<UsageFlusher> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The last chance to write these counts: a transient failure (a busy database) is worth a few short retries.
        for (var attempt = 1; !await FlushAsync(CancellationToken.None) && attempt < 5; attempt++)
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
    }

    /// Writes what has been counted so far; false when the write failed and the counts were put back for the next flush.
    public async Task<bool> FlushAsync(CancellationToken ct)
    {
        var counts = recorder.Drain();
        var keysUsed = recorder.DrainKeysUsed();
        if (counts.Count == 0 && keysUsed.Count == 0) return true;
        try
        {
            // Usage of every organization is written in one pass by this background writer.
            await using var db = await tenants.UnfilteredAsync("usage flush", ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Each count is added in the database (UPDATE ... SET Count = Count + n), never read and written back:
            // another replica flushing the same row at the same time adds its own count, so none is lost.
            var missing = new List<(UsageKey Key, long Count)>();
            foreach (var (key, n) in counts)
            {
                var updated = await db.UsageCounters.Where(u => u.ProjectId == key.ProjectId && u.ApiKeyId == key.ApiKeyId &&
                        u.Service == key.Service && u.Day == key.Day && u.Outcome == key.Outcome)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count + n), ct);
                if (updated == 0) missing.Add((key, n));
            }
            // A row another replica inserts first fails this insert on the unique index: the whole flush rolls back,
            // the counts are restored below and the next flush finds the row and adds to it.
            foreach (var (key, n) in missing)
                db.UsageCounters.Add(new UsageCounter
                {
                    OrganizationId = key.OrganizationId,
                    ProjectId = key.ProjectId,
                    ApiKeyId = key.ApiKeyId,
                    Service = key.Service,
                    Day = key.Day,
                    Outcome = key.Outcome,
                    Count = n,
                });
            await db.SaveChangesAsync(ct);
            foreach (var (keyId, at) in keysUsed)
            {
                // ExecuteUpdate, not SaveChanges: "last used" must not invalidate the token API's cache.
                var cutoff = at - LastUsedResolution;
                await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < cutoff))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at), ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }
        catch (Exception ex)
        {
            recorder.Restore(counts);
            recorder.RestoreKeysUsed(keysUsed);
            // The exception's type and message (provider errors such as "database is locked"); counts carry no secrets.
            log.LogWarning("Usage flush failed, will retry: {Error}: {Message}", ex.GetType().Name, ex.Message);
            return false;
        }
    }
}
