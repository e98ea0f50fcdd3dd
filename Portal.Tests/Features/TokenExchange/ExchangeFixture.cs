using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.TokenIssuance;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenExchange;

/// A Portal that may call loopback identity providers (the installation setting), a real test OIDC issuer on
/// loopback, and a project with an Active certificate.
public class ExchangeFixture : IAsyncLifetime
{
    public const string Origin = "https://app.example.test";

    public ExchangeFixture() : this(null) { }

    internal ExchangeFixture(FakeTimeProvider? clock)
    {
        App = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:TokenExchange:AllowPrivateNetworks"] = "true",
            ["Portal:TokenExchange:FetchTimeoutSeconds"] = "1",
        }, clock: clock);
    }

    public PortalAppFactory App { get; }
    public TestOidcIssuer Issuer { get; private set; } = null!;
    public TokenProject Project { get; private set; } = null!;
    public string ProvidersPath => $"{Project.Path}/identity-providers";

    public virtual async ValueTask InitializeAsync()
    {
        Issuer = await TestOidcIssuer.StartAsync();
        Project = await TokenProject.CreateAsync(App, policyChanges: new { allowStringAccounts = true });
    }

    /// A provider for the test issuer; `changes` overlays the defaults (camelCase names).
    public static object ProviderBody(string issuer, object? changes = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Test issuer",
            ["issuer"] = issuer,
            ["audiences"] = new[] { "portal-app" },
            ["keySource"] = "discovery",
            ["algorithms"] = new[] { "RS256", "ES256" },
            ["identityMapping"] = "uid_hash",
            ["identityClaim"] = "sub",
            ["rateLimitPerSubjectPerMinute"] = 1000,
            ["allowedOrigins"] = new[] { Origin },
            ["rules"] = new object[]
            {
                new { name = "hosts", when = new { claim = "groups", value = "video-host" }, services = new[] { "rtc" }, role = "publisher", channels = new[] { "room-{org_id}-*" } },
                new { name = "members", services = new[] { "rtc", "rtm", "chat" }, role = "subscriber", channels = new[] { "room-{org_id}-*", "user-{sub}" }, maxLifetimeSeconds = 600 },
            },
        };
        if (changes is not null)
            foreach (var p in JsonSerializer.SerializeToElement(changes, JsonSerializerOptions.Web).EnumerateObject()) body[p.Name] = p.Value;
        return body;
    }

    public async Task<JsonElement> AddProviderAsync(object body) =>
        await (await Project.Org.Owner.PostAsJsonAsync(ProvidersPath, body)).JsonAsync(HttpStatusCode.Created);

    public async Task<HttpResponseMessage> ExchangeAsync(string? idToken, string body = """{"service":"rtc","channel":"room-acme-1"}""",
        string? origin = null, bool header = true)
    {
        var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, header ? "/api/v1/tokens/exchange" : $"/api/v1/projects/{Project.ProjectId}/tokens/exchange")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (header) request.Headers.Add("X-Portal-Project", Project.ProjectId.ToString());
        if (idToken is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + idToken);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    /// Makes every instance's caches see committed changes now (the poller does this every second).
    public Task PollAsync() => App.Services.GetRequiredService<CacheStampPoller>().PollOnceAsync(CancellationToken.None);

    public virtual async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
