using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portal.Security;

namespace Portal.Features.Account;

/// Failed sign-ins per client address. Account lockout stops guessing one account's password; it does nothing
/// against one source trying a few passwords on each of many accounts (credential stuffing). After
/// `Portal:Security:LoginFailuresPerAddress` failures within `LoginWindowMinutes`, the address is refused before any
/// password is checked until its oldest failure ages out. Successes do not clear the count: an attacker could
/// interleave sign-ins to an account of their own. Per instance, like the token API's rate limits.
public sealed class LoginThrottle(TimeProvider clock, IOptions<PortalOptions> options)
{
    private const int MaxAddresses = 100_000;
    private readonly ConcurrentDictionary<string, Failures> _byAddress = new();

    public int Limit => options.Value.Security.LoginFailuresPerAddress;
    public int WindowMinutes => options.Value.Security.LoginWindowMinutes;
    private TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

    /// IPv4 addresses count one by one; IPv6 by /64, the block one subscriber usually holds.
    public static string AddressOf(HttpContext? http) => ClientAddresses.Of(http);

    /// How long the address must wait before it may try again, or null when it may try now.
    public TimeSpan? RetryAfter(string address)
    {
        if (!_byAddress.TryGetValue(address, out var failures)) return null;
        lock (failures) return failures.RetryAfter(clock.GetUtcNow(), Limit, Window);
    }

    /// Counts a failure; true when this one starts a block (so the caller audits the block once).
    public bool RecordFailure(string address)
    {
        if (_byAddress.Count >= MaxAddresses) Evict();
        var now = clock.GetUtcNow();
        var failures = _byAddress.GetOrAdd(address, static _ => new Failures());
        lock (failures)
        {
            failures.Add(now, Limit, Window);
            return failures.Count(now, Window) == Limit;
        }
    }

    private void Evict()
    {
        var now = clock.GetUtcNow();
        foreach (var (address, failures) in _byAddress)
            lock (failures)
                if (failures.Count(now, Window) == 0) _byAddress.TryRemove(address, out _);
    }

    /// The times of the latest failures, at most `limit` of them (older ones cannot matter).
    private sealed class Failures
    {
        private readonly Queue<DateTimeOffset> _times = new();

        public void Add(DateTimeOffset at, int limit, TimeSpan window)
        {
            Expire(at, window);
            _times.Enqueue(at);
            while (_times.Count > limit) _times.Dequeue();
        }

        public int Count(DateTimeOffset now, TimeSpan window)
        {
            Expire(now, window);
            return _times.Count;
        }

        public TimeSpan? RetryAfter(DateTimeOffset now, int limit, TimeSpan window) =>
            Count(now, window) >= limit ? _times.Peek() + window - now : null;

        private void Expire(DateTimeOffset now, TimeSpan window)
        {
            while (_times.Count > 0 && _times.Peek() <= now - window) _times.Dequeue();
        }
    }
}
