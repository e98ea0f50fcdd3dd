using System.Collections.Concurrent;

namespace Portal.Features.TokenIssuance;

/// Per-key token buckets (requests per minute, per instance) and a per-IP throttle for invalid keys.
public sealed class RateLimits(TimeProvider clock)
{
    public const int InvalidKeysPerMinutePerIp = 30;
    private readonly ConcurrentDictionary<Guid, Bucket> _keys = new();
    private readonly ConcurrentDictionary<string, Bucket> _badIps = new();

    /// Null when allowed, else the seconds to wait.
    public int? TryTake(Guid keyId, int perMinute) => _keys.GetOrAdd(keyId, _ => new Bucket(perMinute, clock)).TryTake(perMinute);

    public int? IpBlocked(string? ip) =>
        ip is not null && _badIps.TryGetValue(ip, out var bucket) ? bucket.Peek(InvalidKeysPerMinutePerIp) : null;

    public void InvalidKeyFrom(string? ip)
    {
        if (ip is null) return;
        if (_badIps.Count > 100_000) _badIps.Clear();
        _badIps.GetOrAdd(ip, _ => new Bucket(InvalidKeysPerMinutePerIp, clock)).TryTake(InvalidKeysPerMinutePerIp);
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
