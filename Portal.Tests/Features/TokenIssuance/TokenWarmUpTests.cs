using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.TokenIssuance;
using Portal.Features.Usage;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenIssuance;

/// The start-up warm-up: real calls through Kestrel before /readyz turns 200, with a key nobody can use afterwards,
/// and nothing counted, stored or audited.
public sealed class TokenWarmUpTests
{
    [Fact]
    public async Task WarmUp_CallsTheTokenRoutesBeforeReady_AndLeavesNoTrace()
    {
        await using var app = new WarmUpApp(seconds: "1");
        using var client = app.CreateClient();
        var ready = await WaitForReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var warmUp = app.Services.GetRequiredService<TokenWarmUp>();
        Assert.StartsWith("done: ", warmUp.Outcome);
        Assert.True(long.Parse(warmUp.Outcome!["done: ".Length..].Split(' ')[0]) > 0, warmUp.Outcome);

        // Nothing counted: the recorder holds no usage, the database none either, and the throw-away key is gone.
        var usage = app.Services.GetRequiredService<UsageRecorder>();
        Assert.Empty(usage.Drain());
        var cache = app.Services.GetRequiredService<IssuanceCache>();
        Assert.Equal(0, cache.PinnedCount);
        Assert.Equal(0, cache.KnownCount);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.UsageCounters.IgnoreQueryFilters().CountAsync());
        Assert.Equal(0, await db.AuditEvents.IgnoreQueryFilters().CountAsync(e => e.Type == Portal.Data.Audit.AuditEventType.SecretKeyInUrl));
    }

    [Fact]
    public async Task WhileWarmingUp_Readyz_Answers503_WithTheReason()
    {
        await using var app = new WarmUpApp(seconds: "60", maxSeconds: "120");
        using var client = app.CreateClient();
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").GetProperty("warm-up");
        Assert.Equal("unavailable", check.GetProperty("status").GetString());
        Assert.Equal("warming up the token routes", check.GetProperty("reason").GetString());
        // Liveness is not readiness: the process answers.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://+:80", "http://127.0.0.1/")]
    [InlineData("http://*:8081", "http://127.0.0.1:8081/")]
    [InlineData("http://localhost:5001", "http://127.0.0.1:5001/")]
    [InlineData("http://[::1]:5002", "http://[::1]:5002/")]
    [InlineData("https://127.0.0.1:5003", null)] // the warm-up never calls HTTPS (it would have to skip the certificate check)
    [InlineData("http://10.1.2.3:5004", null)] // only loopback: never another address, even one of this host's
    [InlineData("http://unix:/tmp/portal.sock", null)]
    public void WarmUp_CallsOnlyLoopback(string listening, string? called)
    {
        var server = new AddressesOnly(listening);
        Assert.Equal(called, TokenWarmUp.LoopbackBase(server)?.ToString());
    }

    private static async Task<HttpResponseMessage> WaitForReadyAsync(HttpClient client)
    {
        for (var i = 0; ; i++)
        {
            var response = await client.GetAsync("/readyz");
            if (response.StatusCode == HttpStatusCode.OK || i == 300) return response;
            await Task.Delay(100);
        }
    }

    private sealed class WarmUpApp : PortalAppFactory
    {
        public WarmUpApp(string seconds, string maxSeconds = "20") : base(settings: new Dictionary<string, string?>
        {
            ["Portal:WarmUp:Enabled"] = "true",
            ["Portal:WarmUp:Seconds"] = seconds,
            ["Portal:WarmUp:MaxSeconds"] = maxSeconds,
        }) => UseKestrel(0);
    }

    private sealed class AddressesOnly : IServer
    {
        public AddressesOnly(string address)
        {
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add(address);
            Features.Set<IServerAddressesFeature>(addresses);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken ct) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

        public void Dispose() { }
    }
}
