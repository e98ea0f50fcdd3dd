using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.Features.TokenExchange;
using Portal.Tests.Features.TokenExchange;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Tests.E2E;

/// The token exchange's browser test (issue 17): the demo page at /sdk/demo signs in against a real OIDC issuer on
/// loopback (its `/sign-in` hands the page's script a signed ID token), calls `PortalToken.exchange({ project,
/// getIdToken })` from portal-token.js, joins with the stand-in client, renews through the exchange, and the tokens
/// it got verify with Portal.Tokens for the project's certificate, the channel and the uid the rules make of `sub`.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class SdkDemoExchangeBrowserTests(SdkDemoExchangeBrowserTests.Fixture f) : IClassFixture<SdkDemoExchangeBrowserTests.Fixture>, IDisposable
{
    public void Dispose() => f.Browser.Journal.WriteIfFailed();

    /// A test issuer, then a browser on a Portal that may fetch discovery and keys from loopback (the installation
    /// setting the tests use for their local issuer).
    public sealed class Fixture : IAsyncLifetime
    {
        public TestOidcIssuer Issuer { get; private set; } = null!;
        public BrowserFixture Browser { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Issuer = await TestOidcIssuer.StartAsync();
            Browser = new BrowserFixture(new Dictionary<string, string?>
            {
                ["Portal:TokenExchange:AllowPrivateNetworks"] = "true",
            });
            await Browser.InitializeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await Issuer.DisposeAsync();
        }
    }

    /// A provider for the test issuer that lets a subject publish in its own `user-{sub}` channel, for 60 s tokens.
    private async Task<TokenProject> ProjectTrustingTheIssuerAsync(string origin)
    {
        var project = await TokenProject.CreateAsync(f.Browser.App, policyChanges: new { defaultLifetimeSeconds = 60, renewAheadSeconds = 10 });
        var body = ExchangeFixture.ProviderBody(f.Issuer.Issuer, new
        {
            allowedOrigins = new[] { origin },
            rules = new object[] { new { name = "own room", services = new[] { "rtc" }, role = "publisher", channels = new[] { "user-{sub}" } } },
        });
        await (await project.Org.Owner.PostAsJsonAsync($"{project.Path}/identity-providers", body)).JsonAsync(HttpStatusCode.Created);
        return project;
    }

    private static async Task<IPage> OpenExchangeAsync(IBrowserContext context, string origin, TokenProject project, string channel, string idTokenUrl)
    {
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"{origin}/sdk/demo");
        Assert.Equal(200, response!.Status);
        // The page may fetch ID tokens from a loopback issuer on plain http (and from nothing else on http).
        var csp = await response.HeaderValueAsync("content-security-policy");
        Assert.Contains("http://127.0.0.1:*", csp);
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await page.GetByLabel("Route").SelectOptionAsync("exchange");
        await Assertions.Expect(page.GetByLabel("Publishable key")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByLabel("uid")).ToBeDisabledAsync();
        await page.GetByLabel("Project id (drop-in and exchange)").FillAsync(project.ProjectId.ToString());
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Channel", Exact = true }).FillAsync(channel);
        await page.GetByLabel("Identity token URL").FillAsync(idTokenUrl);
        return page;
    }

    [Fact]
    public async Task DemoPage_SignsInAgainstTheTestIssuer_Exchanges_AndTheTokenVerifiesForTheRulesUid()
    {
        var browser = f.Browser;
        var origin = browser.BaseUrl;
        var project = await ProjectTrustingTheIssuerAsync(origin);
        var uid = ExchangeRules.UidOf("alice");

        await using var context = await browser.NewContextAsync(height: 1100);
        var signIns = f.Issuer.SignIns;
        var page = await OpenExchangeAsync(context, origin, project, "user-alice", f.Issuer.SignInUrl + "?sub=alice");
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        await BrowserFixture.ShotAsync(page, "8x-03-sdk-demo-exchange-settings");

        // 1. Sign in, exchange and join: the uid is the one the rules made of `sub`, not one the page chose.
        await page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" }).ClickAsync();
        var timeline = page.GetByTestId("timeline");
        await Assertions.Expect(timeline.Locator("li[data-kind=joined]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("client-kind")).ToContainTextAsync($"Stand-in client joined \"user-alice\" as uid {uid}");
        var first = (await page.GetByTestId("current-token").TextContentAsync()) ?? "";
        Assert.True(f.Issuer.SignIns > signIns, "the page fetched its ID token from the issuer's sign-in");

        // 2. A renewal goes through the exchange again (with a fresh ID token from the issuer).
        var beforeRenewal = f.Issuer.SignIns;
        await page.GetByRole(AriaRole.Button, new() { Name = "Fire token-privilege-will-expire" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("renewals")).ToHaveTextAsync("1");
        var renewed = (await page.GetByTestId("current-token").TextContentAsync()) ?? "";
        Assert.NotEqual(first, renewed);
        Assert.True(f.Issuer.SignIns > beforeRenewal, "the renewal asked getIdToken again");
        await BrowserFixture.ShotAsync(page, "8x-04-sdk-demo-exchange-joined");

        // 3. Both tokens are real: signed with the project's certificate, for its App ID, the channel and the uid.
        foreach (var text in new[] { first, renewed })
        {
            var token = AccessToken2.Parse(text);
            Assert.Equal(project.AppId, token.AppId);
            Assert.True(token.VerifySignature(project.Certificate));
            Assert.Equal(60u, token.Expire);
            var rtc = Assert.IsType<RtcService>(Assert.Single(token.Services));
            Assert.Equal("user-alice", rtc.ChannelName);
            Assert.Equal(uid.ToString(CultureInfo.InvariantCulture), rtc.Uid);
        }
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task DemoPage_ShowsTheRefusal_WhenTheRulesDoNotAllowTheChannel()
    {
        var browser = f.Browser;
        var origin = browser.BaseUrl;
        var project = await ProjectTrustingTheIssuerAsync(origin);

        await using var context = await browser.NewContextAsync(height: 1100);
        // Signed in as bob, asking for alice's room: the rule `user-{sub}` does not match.
        var page = await OpenExchangeAsync(context, origin, project, "user-alice", f.Issuer.SignInUrl + "?sub=bob");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("timeline").Locator("li[data-kind=error]")).ToContainTextAsync("claim_rule_no_match (403)");
        await Assertions.Expect(page.GetByTestId("current-token")).ToHaveTextAsync("none yet");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" })).ToBeEnabledAsync();
        await BrowserFixture.ShotAsync(page, "8x-05-sdk-demo-exchange-refused");
    }
}
