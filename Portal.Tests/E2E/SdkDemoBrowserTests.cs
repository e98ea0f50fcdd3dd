using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The client renewal kit's browser test: the demo page at /sdk/demo, served by a running Portal, gets a token with a
/// publishable key from a project with a short token lifetime; the stand-in client fires token-privilege-will-expire,
/// the page shows the renewed token, and that token verifies through /api/v1/tokens/verify.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class SdkDemoBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task DemoPage_RenewsOnWillExpire_OnceOnly_AndTheRenewedTokenVerifies()
    {
        var ct = TestContext.Current.CancellationToken;
        var origin = browser.BaseUrl; // the demo page is served by Portal itself, so that is the key's allowed origin
        // One-minute tokens renewed 10 s ahead: the provider's own renewal is due ~50 s in, after this test is done.
        var project = await TokenProject.CreateAsync(browser.App, policyChanges: new { defaultLifetimeSeconds = 60, renewAheadSeconds = 10 });
        var (publishable, _) = await project.KeyAsync(kind: "publishable", scopes: ["rtc"], origins: [origin]);
        var (verifier, _) = await project.KeyAsync(scopes: ["verify"]);

        await using var context = await browser.NewContextAsync(height: 1000);
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        var response = await page.GotoAsync($"{origin}/sdk/demo");
        Assert.Equal(200, response!.Status);
        Assert.Contains("https://download.agora.io", await response.HeaderValueAsync("content-security-policy"));
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.GetByLabel("Portal base URL")).ToHaveValueAsync(origin);
        await Assertions.Expect(page.GetByTestId("timeline")).ToBeEmptyAsync();
        await Shot(page, "8x-00-sdk-demo-empty");

        // 1. Get a token and join with the stand-in client: issued, joined, renewal scheduled from renewAfter.
        await page.GetByLabel("Publishable key").FillAsync(publishable);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" }).ClickAsync();
        var timeline = page.GetByTestId("timeline");
        await Assertions.Expect(timeline.Locator("li[data-kind=joined]")).ToHaveCountAsync(1);
        await Assertions.Expect(timeline.Locator("li[data-kind=issued]")).ToHaveCountAsync(1);
        await Assertions.Expect(timeline.Locator("li[data-kind=scheduled]")).ToContainTextAsync("renewal scheduled for");
        await Assertions.Expect(page.GetByTestId("client-kind")).ToContainTextAsync("Stand-in client joined \"demo\" as uid 42");
        var first = (await page.GetByTestId("current-token").TextContentAsync())!;
        Assert.StartsWith("007", first);

        // 2. The stand-in client fires token-privilege-will-expire: the page renews and shows a new token.
        await page.GetByRole(AriaRole.Button, new() { Name = "Fire token-privilege-will-expire" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("renewals")).ToHaveTextAsync("1");
        await Assertions.Expect(timeline.Locator("li[data-kind=renewed]")).ToContainTextAsync("after will-expire");
        var renewed = (await page.GetByTestId("current-token").TextContentAsync())!;
        Assert.StartsWith("007", renewed);
        Assert.NotEqual(first, renewed);

        // 3. The SDK's event again, for the token that was just replaced: skipped, not a second renewal.
        await page.GetByRole(AriaRole.Button, new() { Name = "Fire token-privilege-will-expire" }).ClickAsync();
        await Assertions.Expect(timeline.Locator("li[data-kind=skipped]")).ToContainTextAsync("already renewed");
        await Assertions.Expect(page.GetByTestId("renewals")).ToHaveTextAsync("1");
        Assert.Equal(renewed, await page.GetByTestId("current-token").TextContentAsync());
        await Assertions.Expect(timeline.Locator("li[data-kind=scheduled]")).ToHaveCountAsync(2); // rescheduled for the new token
        await Shot(page, "8x-01-sdk-demo-renewed");

        // 4. The renewed token is a real one: it verifies for the channel and uid through the v1 API.
        using var api = project.Client(verifier);
        var verified = await (await api.PostAsJsonAsync("/api/v1/tokens/verify", new { token = renewed, channel = "demo", uid = 42 }, ct))
            .JsonAsync(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
        Assert.Equal(project.AppId, verified.GetProperty("appId").GetString());
        var lifetime = verified.GetProperty("expiresAt").GetDateTimeOffset() - verified.GetProperty("issuedAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(60), lifetime);

        // 5. Leave: renewals stop and the form is editable again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();
        await Assertions.Expect(timeline.Locator("li[data-kind=left]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" })).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Fire token-privilege-will-expire" })).ToBeDisabledAsync();
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task DemoPage_ShowsPortalsProblemCode_WhenTheKeyIsRefused()
    {
        var origin = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        var (elsewhere, _) = await project.KeyAsync(kind: "publishable", scopes: ["rtc"], origins: ["https://app.example.com"]);

        await using var context = await browser.NewContextAsync(height: 1000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{origin}/sdk/demo");
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await page.GetByLabel("Publishable key").FillAsync(elsewhere);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("timeline").Locator("li[data-kind=error]")).ToContainTextAsync("origin_not_allowed (403)");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get token and join" })).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("current-token")).ToHaveTextAsync("none yet");
        await Shot(page, "8x-02-sdk-demo-refused");
    }

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath(name), FullPage = true, Animations = ScreenshotAnimations.Disabled });
}
