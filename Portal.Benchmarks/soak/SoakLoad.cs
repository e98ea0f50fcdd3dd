using System.Collections.Concurrent;
using System.Diagnostics;

namespace Portal.Benchmarks.Soak;

/// One API key the load uses. A revoked key keeps being tried for 10 s after the revocation was answered, so the
/// soak sees when refusals start.
public sealed class LoadKey(string project, string id, string secret)
{
    public string Project { get; } = project;
    public string Id { get; } = id;
    public string Secret { get; } = secret;
    public DateTime? RevokedAt { get; set; }
    /// The latest send time, relative to the revocation, of a request the revoked key still got a token for.
    public double LastIssuedAfterRevokeSeconds = double.NegativeInfinity;
}

/// A rotation seen by the admin client: tokens requested more than 5 s after it was answered must carry its certificate.
public sealed record Rotation(string Project, DateTime AnsweredAt, string CertificateId);

/// Token requests at a steady rate from several keys and projects, counted per second and per outcome.
/// Every 200th token is checked through /verify to learn which certificate signed it.
public sealed class SoakLoad(SoakClient client, IReadOnlyDictionary<string, string> verifyKeys)
{
    public readonly List<LoadKey> Keys = [];
    public readonly ConcurrentQueue<Rotation> Rotations = new();
    private readonly object _gate = new();

    // Totals across phases: usage in Portal is cumulative too.
    public readonly ConcurrentDictionary<string, long> IssuedByProject = new();
    public readonly ConcurrentDictionary<string, long> VerifiedByProject = new();
    public readonly ConcurrentDictionary<int, long> Statuses = new();
    /// Tokens issued per Unix second: the fault phases check that issuance never stopped.
    public readonly ConcurrentDictionary<long, long> OkPerSecond = new();
    public long RevokedKeyViolations, RotationViolations, Sampled, SampledNotValid, NonProblemRefusals;

    public void AddKey(LoadKey key) { lock (_gate) Keys.Add(key); }

    public LoadKey? FirstUsable(string project) { lock (_gate) return Keys.FirstOrDefault(k => k.Project == project && k.RevokedAt is null); }

    public List<LoadKey> Snapshot() { lock (_gate) return [.. Keys]; }

    public async Task RunAsync(double rate, int concurrency, TimeSpan duration, CancellationToken stop)
    {
        var started = Stopwatch.StartNew();
        long slot = 0;
        var interval = TimeSpan.FromSeconds(1 / rate);
        var samples = System.Threading.Channels.Channel.CreateBounded<(string Project, string Token, DateTime SentAt)>(
            new System.Threading.Channels.BoundedChannelOptions(256) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        var verifier = Task.Run(async () =>
        {
            await foreach (var s in samples.Reader.ReadAllAsync(CancellationToken.None))
            {
                // A few seconds late, so a rotation answered meanwhile is known before the signer is judged.
                var wait = s.SentAt.AddSeconds(3) - DateTime.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, CancellationToken.None);
                await VerifyAsync(s.Project, s.Token, s.SentAt);
            }
        }, CancellationToken.None);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && started.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref slot);
                var due = interval * n - started.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due, CancellationToken.None);
                var key = Pick(n);
                var sentAt = DateTime.UtcNow;
                var answer = await client.TokenAsync("/api/v1/tokens/rtc", key.Secret, new { channel = $"soak-{n % 50}", uid = n % 100_000 + 1 });
                Count(answer, sentAt);
                if (answer.Status == 200)
                {
                    IssuedByProject.AddOrUpdate(key.Project, 1, (_, v) => v + 1);
                    if (key.RevokedAt is { } revoked)
                    {
                        var after = (sentAt - revoked).TotalSeconds;
                        lock (key) key.LastIssuedAfterRevokeSeconds = Math.Max(key.LastIssuedAfterRevokeSeconds, after);
                        if (after > 5) Interlocked.Increment(ref RevokedKeyViolations);
                    }
                    if (n % 200 == 0) samples.Writer.TryWrite((key.Project, answer.Body!["token"]!.GetValue<string>(), sentAt));
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        samples.Writer.Complete();
        await verifier;
    }

    /// Round robin over the usable keys; a key revoked less than 10 s ago gets every 10th request.
    private LoadKey Pick(long n)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (n % 10 == 0)
            {
                var recent = Keys.Where(k => k.RevokedAt is { } at && now - at < TimeSpan.FromSeconds(10)).ToList();
                if (recent.Count > 0) return recent[(int)(n / 10 % recent.Count)];
            }
            var usable = Keys.Where(k => k.RevokedAt is null).ToList();
            return usable[(int)(n % usable.Count)];
        }
    }

    private void Count(SoakClient.Answer answer, DateTime at)
    {
        Statuses.AddOrUpdate(answer.Status, 1, (_, v) => v + 1);
        if (answer.Status == 200) OkPerSecond.AddOrUpdate(new DateTimeOffset(at).ToUnixTimeSeconds(), 1, (_, v) => v + 1);
        if (answer.Status is >= 400 and < 600 && !answer.IsProblem) Interlocked.Increment(ref NonProblemRefusals);
    }

    /// Which certificate signed the token: it must be the one of the latest rotation answered more than 5 s before the
    /// token was requested, or of a later rotation (the change may already have reached the cache).
    private async Task VerifyAsync(string project, string token, DateTime sentAt)
    {
        var answer = await client.TokenAsync("/api/v1/tokens/verify", verifyKeys[project], new { token });
        Count(answer, DateTime.UtcNow);
        if (answer.Status != 200) return;
        Interlocked.Increment(ref Sampled);
        if (answer.Body!["valid"]!.GetValue<bool>()) VerifiedByProject.AddOrUpdate(project, 1, (_, v) => v + 1);
        else { Interlocked.Increment(ref SampledNotValid); return; }
        var signedBy = answer.Body["certificate"]?["id"]?.GetValue<string>();
        var rotations = Rotations.Where(r => r.Project == project).OrderBy(r => r.AnsweredAt).ToList();
        var settled = rotations.LastOrDefault(r => r.AnsweredAt < sentAt.AddSeconds(-5));
        if (settled is null) return; // no rotation yet: the project's first certificate
        var allowed = rotations.Where(r => r.AnsweredAt >= settled.AnsweredAt).Select(r => r.CertificateId).ToHashSet();
        if (signedBy is null || !allowed.Contains(signedBy)) Interlocked.Increment(ref RotationViolations);
    }
}
