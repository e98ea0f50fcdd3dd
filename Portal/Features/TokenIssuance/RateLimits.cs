using System.Collections.Concurrent;
using Portal.Security;

namespace Portal.Features.TokenIssuance;

/// Per-key token buckets (requests per minute, per instance) and a per-address throttle for invalid keys (an IPv6
/// address counts by its /64, as for sign-ins).
public sealed class RateLimits(TimeProvider clock)
{
    public const int InvalidKeysPerMinutePerIp = 30;
    private const int MaxAddresses = 100_000;
    private readonly ConcurrentDictionary<Guid, Bucket> _keys = new();
    private readonly ConcurrentDictionary<string, Bucket> _badIps = new();

    /// Null when allowed, else the seconds to wait. Runs on every token request: the factory gets its state as an
    /// argument (a static lambda), so finding an existing bucket allocates nothing.
    public int? TryTake(Guid keyId, int perMinute) =>
        _keys.GetOrAdd(keyId, static (_, state) => new Bucket(state.perMinute, state.clock), (perMinute, clock)).TryTake(perMinute);

    /// One bucket per identity of the token exchange. Kept apart from the keys' buckets because there is one per identity
    /// ever seen: after every <see cref="SubjectSweepEvery"/> new identities (and at most once every 10 s) the buckets
    /// whose allowance is whole again are dropped. A new bucket starts whole, so forgetting one changes no answer (but
    /// for one extra exchange, if the identity was asking at that very moment), and a subject being refused keeps its.
    public int? TryTakeSubject(Guid subject, int perMinute)
    {
        if (_subjects.TryGetValue(subject, out var known)) return known.TryTake(perMinute);
        var bucket = _subjects.GetOrAdd(subject, static (_, state) => new Bucket(state.perMinute, state.clock), (perMinute, clock));
        var answer = bucket.TryTake(perMinute); // before a sweep, which would otherwise drop this whole new bucket
        if (Interlocked.Increment(ref _subjectsAdded) % SubjectSweepEvery == 0) SweepSubjects();
        return answer;
    }

    public const int SubjectSweepEvery = 10_000;
    private readonly ConcurrentDictionary<Guid, Bucket> _subjects = new();
    private int _subjectsAdded;
    private long _lastSubjectSweep;

    /// How many identities have a bucket now (for tests and diagnostics).
    internal int SubjectBuckets => _subjects.Count;

    private void SweepSubjects()
    {
        if (!SweepDue(ref _lastSubjectSweep)) return;
        foreach (var (subject, bucket) in _subjects)
            if (bucket.IsWhole()) _subjects.TryRemove(subject, out _);
    }

    /// False until some address has sent an invalid key: then the hot path need not format its caller's address.
    /// A flag of its own: ConcurrentDictionary.IsEmpty takes every one of the dictionary's locks when it is empty,
    /// which on every token request made all requests queue behind each other (seen in the load trace).
    public bool AnyInvalidKeys => Volatile.Read(ref _anyInvalidKeys);

    private bool _anyInvalidKeys;

    public int? IpBlocked(HttpContext http) => IpBlocked(ClientAddresses.Of(http));

    /// <param name="address">as <see cref="ClientAddresses.Of"/> gives it.</param>
    public int? IpBlocked(string address) =>
        _badIps.TryGetValue(address, out var bucket) ? bucket.Peek(InvalidKeysPerMinutePerIp) : null;

    /// Counts a request with an unusable key (unknown, or a secret key in the URL) against its address.
    public void InvalidKeyFrom(HttpContext http) => InvalidKeyFrom(ClientAddresses.Of(http));

    public void InvalidKeyFrom(string address)
    {
        Volatile.Write(ref _anyInvalidKeys, true);
        if (!_badIps.TryGetValue(address, out var bucket))
        {
            if (_badIps.Count >= MaxAddresses && !EvictRefilled()) return; // full of live blocks: those stay, this one waits
            bucket = _badIps.GetOrAdd(address, static (_, clock) => new Bucket(InvalidKeysPerMinutePerIp, clock), clock);
        }
        bucket.TryTake(InvalidKeysPerMinutePerIp);
    }

    private long _lastEviction;

    /// Drops the addresses whose allowance is whole again: they are not blocked, so forgetting them changes nothing.
    /// (Clearing everything at once would lift every block: a flood of fresh addresses would buy the blocked ones
    /// their allowance back.) At most one scan every 10 s; true when there is room now.
    private bool EvictRefilled()
    {
        if (!SweepDue(ref _lastEviction)) return _badIps.Count < MaxAddresses;
        foreach (var (address, bucket) in _badIps)
            if (bucket.IsFull(InvalidKeysPerMinutePerIp)) _badIps.TryRemove(address, out _);
        return _badIps.Count < MaxAddresses;
    }

    /// True for the one caller that may sweep now: the first, then at most one every 10 s (the others go on at once).
    private bool SweepDue(ref long lastSweep)
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref lastSweep);
        return (last == 0 || clock.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(10))
            && Interlocked.CompareExchange(ref lastSweep, now, last) == last;
    }

    private sealed class Bucket(int capacity, TimeProvider clock)
    {
        private double _tokens = capacity;
        private long _last = clock.GetTimestamp();

        private int _perMinute = capacity;

        public int? TryTake(int perMinute)
        {
            lock (this)
            {
                _perMinute = perMinute;
                Refill(perMinute);
                if (_tokens >= 1) { _tokens -= 1; return null; }
                return Math.Max(1, (int)Math.Ceiling((1 - _tokens) * 60.0 / perMinute));
            }
        }

        public int? Peek(int perMinute)
        {
            lock (this)
            {
                Refill(perMinute);
                return _tokens >= 1 ? null : Math.Max(1, (int)Math.Ceiling((1 - _tokens) * 60.0 / perMinute));
            }
        }

        public bool IsFull(int perMinute)
        {
            lock (this)
            {
                Refill(perMinute);
                return _tokens >= perMinute;
            }
        }

        /// Full at the rate it was last used with: dropping it and starting a new one would change nothing.
        public bool IsWhole() => IsFull(Volatile.Read(ref _perMinute));

        private void Refill(int perMinute)
        {
            var now = clock.GetTimestamp();
            var elapsed = clock.GetElapsedTime(_last, now).TotalSeconds;
            _last = now;
            _tokens = Math.Min(perMinute, _tokens + elapsed * perMinute / 60.0);
        }
    }
}
