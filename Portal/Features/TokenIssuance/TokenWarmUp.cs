using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Data.ApiKeys;
using Portal.Data.Projects;
using Portal.Security;

namespace Portal.Features.TokenIssuance;

/// `Portal:WarmUp`: the start-up warm-up of the token routes.
public sealed class WarmUpOptions
{
    public const string Section = "Portal:WarmUp";

    /// Off: /readyz answers as soon as the database and the job storage do, and the first seconds of traffic run on
    /// code the JIT has not optimized yet (a quarter of the steady speed for 15–20 s, measured).
    public bool Enabled { get; set; } = true;

    /// At least this long from the first answer, the token routes are called before /readyz turns 200; then on while
    /// the JIT is still compiling (the optimized versions of what the calls ran), up to <see cref="MaxSeconds"/>.
    [Range(0.1, 60)] public double Seconds { get; set; } = 1.5;

    /// The longest the warm-up may hold /readyz back, from the moment the server started.
    [Range(0.1, 120)] public double MaxSeconds { get; set; } = 6;
}

/// Calls the token routes over loopback, through Kestrel and the whole pipeline, for a few seconds after the server
/// starts and before /readyz turns 200, so the first real request meets code that the tiered JIT has already
/// optimized (and the caches, pools and lazy statics behind it filled). The calls use a throw-away key of a project
/// that exists only in memory (random App ID and certificate, pinned in <see cref="IssuanceCache"/> for the duration):
/// nothing is stored, counted as usage or audited, and the key is unusable once the warm-up ends.
public sealed class TokenWarmUp(IssuanceCache cache, IServer server, IHostApplicationLifetime lifetime, IOptions<WarmUpOptions> options,
    ILogger<TokenWarmUp> log) : BackgroundService, IHealthCheck
{
    private const int Callers = 8;

    /// The JIT has settled when it compiled fewer methods than this in the last half second.
    private const int SettledMethodsPerHalfSecond = 8;
    private volatile string? _outcome;

    /// The warm-up's own requests: never usage (<see cref="IssuanceCounter"/>). No real organization has this id.
    public static bool IsWarmUp(KeySnapshot key) => key.Project.OrganizationId == Guid.Empty;

    /// Null while the warm-up runs, then how it ended ("done", "off", "skipped: ...").
    public string? Outcome => _outcome;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) => Task.FromResult(_outcome is { } outcome
        ? HealthCheckResult.Healthy(outcome)
        : HealthCheckResult.Degraded("warming up the token routes")); // not ready yet, and not an error (HealthSetup)

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            _outcome = "off";
            return;
        }
        try
        {
            await WhenStartedAsync(stop);
            if (LoopbackBase(server) is not { } baseUri)
            {
                _outcome = "skipped: no plain-HTTP address to call";
                return;
            }
            var secret = RandomSecrets.New("sk_warmup_");
            var key = Key();
            cache.Pin(secret, key);
            try
            {
                var calls = await CallAsync(baseUri, secret, key.Project.ProjectId, settings, stop);
                _outcome = calls > 0 ? $"done: {calls} requests" : "skipped: no answer";
                log.LogInformation("Token routes warmed up with {Calls} requests", calls);
            }
            finally
            {
                cache.Unpin(secret);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _outcome = "stopped";
        }
        catch (Exception ex)
        {
            // A warm-up that fails costs speed, never readiness.
            _outcome = "skipped: " + ex.GetType().Name;
            log.LogWarning(ex, "The token routes' warm-up failed; serving without it");
        }
    }

    private Task WhenStartedAsync(CancellationToken stop)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stop);
    }

    /// A plain-HTTP address the server listens on, as loopback (a wildcard listens on loopback too); null when it
    /// listens on HTTPS or a Unix socket only, or is not a real server (the tests' in-memory one).
    internal static Uri? LoopbackBase(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || address.Contains("unix:", StringComparison.OrdinalIgnoreCase)) continue;
            var normalized = address.Replace("://+", "://localhost").Replace("://*", "://localhost");
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Port <= 0) continue;
            var host = Loopback(uri.Host.Trim('[', ']'));
            if (host is not null) return new Uri($"http://{host}:{uri.Port}/");
        }
        return null;
    }

    /// The loopback address that reaches a listener on this host, or null for a specific other address.
    private static string? Loopback(string host)
    {
        if (host == "localhost") return "127.0.0.1";
        if (!IPAddress.TryParse(host, out var ip)) return null;
        if (ip.Equals(IPAddress.IPv6Loopback)) return "[::1]";
        // A wildcard listener accepts IPv4 loopback too (Kestrel binds [::] dual-mode).
        return ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(ip) ? "127.0.0.1" : null;
    }

    private static KeySnapshot Key()
    {
        var project = new ProjectSnapshot(Guid.Empty, Guid.NewGuid(), RandomHex(), ProjectActive: true, OrganizationActive: true, new TokenPolicy(),
            [], new CertificateSnapshot(Guid.NewGuid(), CertificateState.Active, RandomHex(), null), []);
        return new KeySnapshot(Guid.NewGuid(), ApiKeyKind.Secret, ApiKeyScopes.Rtc | ApiKeyScopes.Rtm, [], [], 100_000_000, null, Revoked: false, project);
    }

    private static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <see cref="Callers"/> loops over the routes apps call most: from the first answer (the very first request of a cold
    /// process takes a while itself) for at least the minimum, then until the JIT settles, within the maximum in all; the
    /// calls answered 200. Any other answer ends the warm-up: the routes would be warming their refusals, and something
    /// is wrong.
    private async Task<long> CallAsync(Uri baseUri, string secret, Guid projectId, WarmUpOptions settings, CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2), MaxConnectionsPerServer = Callers };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        using var until = CancellationTokenSource.CreateLinkedTokenSource(stop);
        until.CancelAfter(TimeSpan.FromSeconds(settings.MaxSeconds));
        var firstAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long answered = 0;

        async Task<bool> CallOnceAsync(int caller, int n)
        {
            using var request = (n % 4) switch
            {
                0 or 1 => Post("api/v1/tokens/rtc", $$"""{"channel":"warm-up-{{caller}}","uid":{{n + 1}}}"""),
                2 => new HttpRequestMessage(HttpMethod.Get, $"compat/{projectId}/access_token?channel=warm-up&uid={n + 1}&expiredTs=3600"),
                _ => Post("api/v1/tokens/rtm", $$"""{"userId":"warm-up-{{n}}"}"""),
            };
            using var response = await http.SendAsync(request, until.Token);
            await response.Content.CopyToAsync(Stream.Null, until.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                log.LogWarning("The token routes' warm-up got {Status} from {Path}; ending it", (int)response.StatusCode, request.RequestUri);
                await until.CancelAsync();
                return false;
            }
            firstAnswer.TrySetResult();
            Interlocked.Increment(ref answered);
            return true;
        }

        async Task EndWhenSettledAsync()
        {
            await firstAnswer.Task.WaitAsync(until.Token);
            await Task.Delay(TimeSpan.FromSeconds(settings.Seconds), until.Token);
            for (var compiled = JitInfo.GetCompiledMethodCount(); ;)
            {
                await Task.Delay(500, until.Token);
                var now = JitInfo.GetCompiledMethodCount();
                if (now - compiled < SettledMethodsPerHalfSecond) break;
                compiled = now;
            }
            await until.CancelAsync();
        }

        var loops = Enumerable.Range(0, Callers).Select(async caller =>
        {
            for (var n = 0; await CallOnceAsync(caller, n); n++) { }
        }).Append(EndWhenSettledAsync()).Select(async loop =>
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested)
            {
                // the time is up
            }
        });
        await Task.WhenAll(loops);
        stop.ThrowIfCancellationRequested();
        return Interlocked.Read(ref answered);
    }

    private static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
