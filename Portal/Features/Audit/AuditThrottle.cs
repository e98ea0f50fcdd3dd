using System.Collections.Concurrent;
using Portal.Data.Tenancy;

namespace Portal.Features.Audit;

/// Events that a caller can cause at will without any right (a secret key pasted into a URL, probes of another
/// organization's ids) are written at most `perMinute` times per key and minute, each at once; if more followed within
/// that minute, one more event when the minute ends carries how many (`count`). A flood costs the log a few rows a
/// minute per key instead of one per request. Keys are bounded: beyond <see cref="MaxKeys"/> distinct keys a minute,
/// further ones share one overflow key per event type.
public sealed class AuditThrottle(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuditThrottle> log) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);
    public const int MaxKeys = 10_000;
    private readonly ConcurrentDictionary<string, Slot> _slots = new();

    /// Records one occurrence: writes the event now when it opens a minute for its key, else counts it.
    /// <paramref name="entry"/> is given the number of occurrences the event stands for.
    public async Task RecordAsync(string key, AuditActor actor, Func<int, AuditEntry> entry, CancellationToken ct, int perMinute = 1)
    {
        var now = clock.GetUtcNow();
        if (_slots.Count >= MaxKeys && !_slots.ContainsKey(key)) key = "overflow:" + entry(1).Type;
        var slot = _slots.GetOrAdd(key, static _ => new Slot());
        (AuditActor Actor, Func<int, AuditEntry> Entry)? ended = null;
        var endedCount = 0;
        bool admitted;
        lock (slot)
        {
            if (slot.WindowEnds <= now)
            {
                // The minute ended before the flush came by: its count is written now rather than lost, and (as in
                // the flush) that summary spends the new minute's budget, so a steady flood writes one row a minute.
                var flooded = slot.Suppressed > 0;
                if (flooded) (ended, endedCount) = (slot.Last, slot.Suppressed);
                slot.WindowEnds = now + Window;
                slot.Suppressed = 0;
                slot.Written = flooded ? perMinute : 0;
            }
            admitted = slot.Written < perMinute;
            if (admitted)
            {
                slot.Written++;
            }
            else
            {
                slot.Suppressed++;
                slot.Last = (actor, entry);
            }
        }
        if (ended is { } summary) await WriteAsync(summary.Actor, summary.Entry(endedCount), ct);
        if (admitted) await WriteAsync(actor, entry(1), ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) { }
        await FlushAsync(CancellationToken.None, all: true); // on stop, the counts of open minutes too
    }

    /// Writes the counts of the minutes that ended (with <paramref name="all"/>, of every open minute).
    public async Task FlushAsync(CancellationToken ct, bool all = false)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, slot) in _slots)
        {
            (AuditActor Actor, Func<int, AuditEntry> Entry)? last = null;
            var count = 0;
            lock (slot)
            {
                if (slot.WindowEnds > now && !all) continue;
                if (slot.Suppressed == 0)
                {
                    _slots.TryRemove(key, out _);
                    continue;
                }
                // A key still being hit opens its next minute now, its budget spent by this summary, so a steady
                // flood writes one row a minute.
                (last, count) = (slot.Last, slot.Suppressed);
                slot.Suppressed = 0;
                slot.Written = int.MaxValue; // the summary spends the new minute's budget
                slot.WindowEnds = now + Window;
            }
            if (last is { } l) await WriteAsync(l.Actor, l.Entry(count), ct);
        }
    }

    private async Task WriteAsync(AuditActor actor, AuditEntry entry, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().GlobalAsync(ct);
            await scope.ServiceProvider.GetRequiredService<AuditLog>().SaveAsync(db, actor, entry, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning("Could not write a throttled audit event {Type}: {Error}", entry.Type, ex.GetType().Name);
        }
    }

    private sealed class Slot
    {
        public DateTimeOffset WindowEnds;
        public int Suppressed;
        public int Written;
        public (AuditActor, Func<int, AuditEntry>)? Last;
    }
}
