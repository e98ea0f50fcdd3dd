using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.TokenExchange;
using Portal.Features.Usage;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenExchange;

/// The JWKS cache and revocation, with Portal's clock under the test's control: keys are fetched once, a new `kid`
/// refreshes at most once a minute, the last good set serves while the provider is down, an unreachable provider is
/// `idp_unavailable`, and a removed or disabled provider stops at the next cache-stamp poll.
public sealed class KeySetCacheTests
{
    private sealed class ClockFixture() : ExchangeFixture(TestClock.Create());

    private static async Task<(ClockFixture F, Guid Id)> StartAsync(object? changes = null)
    {
        var f = new ClockFixture();
        await f.InitializeAsync();
        var id = (await f.AddProviderAsync(ExchangeFixture.ProviderBody(f.Issuer.Issuer, changes))).GetProperty("id").GetGuid();
        return (f, id);
    }

    private static string Token(ExchangeFixture f) => f.Issuer.Token(new Dictionary<string, object> { ["org_id"] = "acme" });

    [Fact]
    public async Task KeysAreFetchedOnce_AndANewKidRefreshesAtMostOnceAMinute()
    {
        var (f, _) = await StartAsync();
        await using var _f = f;
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, f.Issuer.JwksRequests);

        f.Issuer.Rotate();
        f.App.Clock!.Advance(TimeSpan.FromSeconds(61));
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK); // unknown kid: one refresh finds it
        Assert.Equal(2, f.Issuer.JwksRequests);

        f.Issuer.Rotate();
        await ProblemAssert.IsProblemAsync(await f.ExchangeAsync(Token(f)), HttpStatusCode.Unauthorized, "id_token_signature");
        await ProblemAssert.IsProblemAsync(await f.ExchangeAsync(Token(f)), HttpStatusCode.Unauthorized, "id_token_signature");
        Assert.Equal(2, f.Issuer.JwksRequests); // within the minute: no refetch, however many unknown kids arrive
        f.App.Clock.Advance(TimeSpan.FromSeconds(61));
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, f.Issuer.JwksRequests);
    }

    [Fact]
    public async Task LastGoodSet_KeepsServing_WhenTheProviderAnswersGarbageOrHangs()
    {
        var (f, _) = await StartAsync();
        await using var _f = f;
        f.Issuer.JwksCacheControl = "max-age=60";
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        f.Issuer.Mode = TestOidcIssuer.Behaviour.Garbage;
        f.App.Clock!.Advance(TimeSpan.FromMinutes(2)); // the set went stale: a refetch is tried and fails
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        f.Issuer.Mode = TestOidcIssuer.Behaviour.Hang;
        f.App.Clock.Advance(TimeSpan.FromMinutes(2));
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(TestOidcIssuer.Behaviour.Hang)]
    [InlineData(TestOidcIssuer.Behaviour.Garbage)]
    public async Task ProviderNeverReached_IsIdpUnavailable(TestOidcIssuer.Behaviour mode)
    {
        var (f, _) = await StartAsync();
        await using var _f = f;
        f.Issuer.Mode = mode;
        await ProblemAssert.IsProblemAsync(await f.ExchangeAsync(Token(f)), HttpStatusCode.Unauthorized, "idp_unavailable");
        f.Issuer.Mode = TestOidcIssuer.Behaviour.Normal; // back up: the next exchange fetches and succeeds
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DisabledOrRemovedProvider_StopsAtTheNextPoll()
    {
        var (f, id) = await StartAsync();
        await using var _f = f;
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        var path = $"{f.ProvidersPath}/{id}";
        (await f.Project.Org.Owner.PutAsJsonAsync(path, ExchangeFixture.ProviderBody(f.Issuer.Issuer, new { enabled = false }))).EnsureSuccessStatusCode();
        await f.PollAsync();
        await ProblemAssert.IsProblemAsync(await f.ExchangeAsync(Token(f)), HttpStatusCode.Unauthorized, "id_token_issuer");

        (await f.Project.Org.Owner.PutAsJsonAsync(path, ExchangeFixture.ProviderBody(f.Issuer.Issuer))).EnsureSuccessStatusCode();
        await f.PollAsync();
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);

        (await f.Project.Org.Owner.DeleteAsync(path)).EnsureSuccessStatusCode();
        await f.PollAsync();
        await ProblemAssert.IsProblemAsync(await f.ExchangeAsync(Token(f)), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Usage_IsCountedPerProvider_AndRefusalsByCode()
    {
        var (f, id) = await StartAsync();
        await using var _f = f;
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        await (await f.ExchangeAsync(Token(f))).JsonAsync(HttpStatusCode.OK);
        await ProblemAssert.IsProblemAsync(await f.ExchangeAsync(Token(f), """{"service":"rtc","channel":"lobby"}"""), HttpStatusCode.Forbidden, "claim_rule_no_match");
        await f.App.Services.GetRequiredService<UsageFlusher>().FlushAsync(CancellationToken.None);
        var usage = await (await f.Project.Org.Owner.GetAsync($"{f.Project.Org.Path}/usage?projectId={f.Project.ProjectId}")).JsonAsync(HttpStatusCode.OK);
        var provider = Assert.Single(usage.GetProperty("topKeys").EnumerateArray(), k => k.GetProperty("id").GetGuid() == id);
        Assert.Equal(2, provider.GetProperty("count").GetInt64());
        Assert.Equal("Test issuer (sign-in)", provider.GetProperty("name").GetString());
        var refused = Assert.Single(usage.GetProperty("refusals").EnumerateArray(), r => r.GetProperty("code").GetString() == "claim_rule_no_match");
        Assert.Equal(1, refused.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task LoopbackIssuer_IsRefused_UnlessTheInstallationAllowsIt()
    {
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        var response = await project.Org.Owner.PostAsJsonAsync($"{project.Path}/identity-providers", ExchangeFixture.ProviderBody("http://127.0.0.1:9/"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "address_not_allowed");
    }

    [Theory]
    [InlineData("discovery", "http://idp.example.com/", null, "issuer")]
    [InlineData("jwks_url", "https://idp.example.com/", "http://idp.example.com/.well-known/jwks.json", "jwksUrl")]
    public async Task PlainHttpKeySource_IsRefused_HttpsRequired(string source, string issuer, string? jwksUrl, string field)
    {
        // Keys fetched over HTTP can be replaced on the way, and whoever replaces them signs any identity.
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        var response = await project.Org.Owner.PostAsJsonAsync($"{project.Path}/identity-providers",
            ExchangeFixture.ProviderBody(issuer, new { keySource = source, jwksUrl }));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https_required");
        Assert.Contains(field, problem.GetRawText());
    }

    [Theory]
    [InlineData("https://idp.example.com/jwks", false, true)]
    [InlineData("http://idp.example.com/jwks", false, false)] // also the jwks_uri a discovery document names
    [InlineData("http://127.0.0.1:5000/jwks", true, true)] // a local test provider, where private networks are allowed
    [InlineData("ftp://idp.example.com/jwks", true, false)]
    public void Fetches_AreHttpsOnly_UnlessPrivateNetworksAreAllowed(string url, bool allowPrivateNetworks, bool allowed) =>
        Assert.Equal(allowed, KeySetCache.MayFetch(new Uri(url), allowPrivateNetworks));
}
