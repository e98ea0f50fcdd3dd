using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.TokenIssuance;

/// Reads the one-row cache stamp every second and clears the issuance cache when it moved, so a revoked key,
/// rotated certificate, edited policy or disabled project takes effect on every instance within about a second.
public sealed class CacheStampPoller(IDbContextFactory<PortalDbContext> dbs, IssuanceCache cache, ILogger<CacheStampPoller> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Database unavailable: keep serving from cache; try again next tick.
                log.LogWarning("Cache stamp poll failed: {Error}", ex.GetType().Name);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// One poll now: after it returns, the cache reflects every change committed before it was called. (Tests call
    /// it instead of waiting for the next tick.)
    public async Task PollOnceAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var version = await db.CacheStamps.AsNoTracking().Where(s => s.Id == 1).Select(s => s.Version).SingleAsync(ct);
        if (version != cache.Version) cache.Invalidate(version);
    }
}
