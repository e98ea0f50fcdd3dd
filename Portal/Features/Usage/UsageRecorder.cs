using System.Collections.Concurrent;

namespace Portal.Features.Usage;

/// Counts issued tokens and refusals in memory; <see cref="UsageFlusher"/> moves them to the database every
/// couple of seconds. Recording is an Interlocked increment: no database write on a request.
public sealed class UsageRecorder(TimeProvider clock)
{
    public const string Issued = "issued";

    private readonly ConcurrentDictionary<UsageKey, Counter> _counts = new();
    private readonly ConcurrentDictionary<Guid, LastUse> _keysUsed = new();

    public void Record(Guid organizationId, Guid projectId, Guid apiKeyId, string service, string outcome)
    {
        var now = clock.GetUtcNow();
        var key = new UsageKey(organizationId, projectId, apiKeyId, service, UsageDays.Of(DateOnly.FromDateTime(now.UtcDateTime)), outcome);
        Interlocked.Increment(ref _counts.GetOrAdd(key, static _ => new Counter()).Value);
        if (apiKeyId != Guid.Empty) _keysUsed.GetOrAdd(apiKeyId, static _ => new LastUse()).Touch(now);
    }

    /// Takes the counts recorded so far (each counter is drained atomically, so nothing is lost or counted twice).
    public List<(UsageKey Key, long Count)> Drain()
    {
        var drained = new List<(UsageKey, long)>();
        foreach (var (key, counter) in _counts)
        {
            var n = Interlocked.Exchange(ref counter.Value, 0);
            if (n > 0) drained.Add((key, n));
        }
        return drained;
    }

    /// Gives back counts whose flush failed, so the next flush writes them.
    public void Restore(IEnumerable<(UsageKey Key, long Count)> counts)
    {
        foreach (var (key, n) in counts) Interlocked.Add(ref _counts.GetOrAdd(key, static _ => new Counter()).Value, n);
    }

    /// The keys used since the last drain, each with its latest use.
    public List<(Guid KeyId, DateTimeOffset At)> DrainKeysUsed()
    {
        var used = new List<(Guid, DateTimeOffset)>();
        foreach (var (id, last) in _keysUsed)
            if (last.TryTake(out var at)) used.Add((id, at));
        return used;
    }

    /// Gives back "last used" times whose flush failed; a newer use recorded meanwhile wins.
    public void RestoreKeysUsed(IEnumerable<(Guid KeyId, DateTimeOffset At)> used)
    {
        foreach (var (id, at) in used) _keysUsed.GetOrAdd(id, static _ => new LastUse()).Restore(at);
    }

    public sealed class Counter { public long Value; }

    /// A key's latest use, overwritten in place. Replacing a dictionary entry on every request would allocate a
    /// node and take a lock (a DateTimeOffset cannot be written atomically); a time in ticks plus a flag need neither.
    /// The flag is set after the time and cleared before it is read, so a use racing a drain is reported by this
    /// drain or the next one, never lost.
    private sealed class LastUse
    {
        private long _utcTicks;
        private int _pending;

        public void Touch(DateTimeOffset at)
        {
            Volatile.Write(ref _utcTicks, at.UtcTicks);
            Volatile.Write(ref _pending, 1);
        }

        public void Restore(DateTimeOffset at)
        {
            if (Interlocked.CompareExchange(ref _pending, 1, 0) == 0) Volatile.Write(ref _utcTicks, Math.Max(Volatile.Read(ref _utcTicks), at.UtcTicks));
        }

        public bool TryTake(out DateTimeOffset at)
        {
            at = default;
            if (Interlocked.Exchange(ref _pending, 0) == 0) return false;
            at = new DateTimeOffset(Volatile.Read(ref _utcTicks), TimeSpan.Zero);
            return true;
        }
    }
}

public readonly record struct UsageKey(Guid OrganizationId, Guid ProjectId, Guid ApiKeyId, string Service, int Day, string Outcome);
