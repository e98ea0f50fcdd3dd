using System.Collections.Concurrent;

namespace Portal.Features.TokenIssuance;

/// Per-key token buckets (requests per minute, per instance) and a per-IP throttle for invalid keys.
public sealed class RateLimits(TimeProvider clock)
{
    public const int InvalidKeysPerMinutePerIp = 30;
    private readonly ConcurrentDictionary<Guid, Bucket> _keys = new();
    private readonly ConcurrentDictionary<string, Bucket> _badIps = new();

    /// Null when allowed, else the seconds to wait. Runs on every token request: the factory gets its state as an
    /// argument (a static lambda), so finding an existing bucket allocates nothing.
    public int? TryTake(Guid keyId, int perMinute) =>
        _keys.GetOrAdd(keyId, static (_, state) => new Bucket(state.perMinute, state.clock), (perMinute, clock)).TryTake(perMinute);

    /// False until some address has sent an invalid key: then the hot path need not format its caller's address.
    public bool AnyInvalidKeys => !_badIps.IsEmpty;

    public int? IpBlocked(string? ip) =>
        ip is not null && _badIps.TryGetValue(ip, out var bucket) ? bucket.Peek(InvalidKeysPerMinutePerIp) : null;

    public void InvalidKeyFrom(string? ip)
    {
        if (ip is null) return;
        if (_badIps.Count > 100_000) _badIps.Clear();
        _badIps.GetOrAdd(ip, static (_, clock) => new Bucket(InvalidKeysPerMinutePerIp, clock), clock).TryTake(InvalidKeysPerMinutePerIp);
    }

    private sealed class Bucket(int capacity, TimeProvider clock)
    {
        private double _tokens = capacity;
        private long _last = clock.GetTimestamp();

        public int? TryTake(int perMinute)
        {
            lock (this)
            {
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

        private void Refill(int perMinute)
        {
            var now = clock.GetTimestamp();
            var elapsed = clock.GetElapsedTime(_last, now).TotalSeconds;
            _last = now;
            _tokens = Math.Min(perMinute, _tokens + elapsed * perMinute / 60.0);
        }
    }
}
