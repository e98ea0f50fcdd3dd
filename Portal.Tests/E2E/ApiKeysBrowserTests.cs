using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The browser test: an Owner creates a publishable key in the UI, and its JavaScript snippet, run in a page
/// of a customer's site, gets a token from the key's allowed origin and is refused from any other origin.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class ApiKeysBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task PublishableKey_CreatedInTheUi_GetsATokenFromItsAllowedOrigin_AndIsRefusedFromAnother()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await CustomerSite.StartAsync(ct);
        var allowedOrigin = $"http://127.0.0.1:{site.Port}";
        var otherOrigin = $"http://localhost:{site.Port}"; // the same server, but another origin string
        _ = browser.BaseUrl; // starts Kestrel before the management API is called
        var project = await TokenProject.CreateAsync(browser.App);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // The dashboard's checklist: project and certificate done, the API key step links to the project's API keys tab.
        await browser.SignInAsync(page, project.Org.OwnerEmail, "/");
        var checklist = page.GetByTestId("first-run-checklist");
        await Assertions.Expect(checklist).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "5x-00-dashboard-checklist");
        await checklist.GetByRole(AriaRole.Link, new() { Name = "API keys tab" }).ClickAsync();
        await BrowserFixture.UrlAsync(page, new Regex($"/projects/{project.ProjectId}\\?tab=api-keys$"));
        await Assertions.Expect(page.GetByTestId("api-keys-empty")).ToContainTextAsync("publishable");
        await BrowserFixture.ShotAsync(page, "5x-01-api-keys-empty");

        // The usage tab before any request: an empty state that says what comes.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Usage" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("usage-empty")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "5x-01b-usage-empty");
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();

        // 1. New key: a publishable key for the customer's site; a bad origin is flagged as typed, a bad prefix by the server.
        await page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Customer site");
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Publishable" }).CheckAsync();
        var origins = dialog.GetByLabel("Allowed origins");
        await origins.FillAsync("customer.example");
        await Assertions.Expect(dialog.GetByText("is not an origin")).ToBeVisibleAsync();
        await origins.FillAsync(allowedOrigin);
        await Assertions.Expect(dialog.GetByText("is not an origin")).ToBeHiddenAsync();
        var prefixes = dialog.GetByLabel("Channel prefixes (optional)");
        await prefixes.FillAsync("räume-");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(dialog.GetByText("Channel prefixes must be valid")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "5x-02-new-key-server-error");
        await prefixes.FillAsync("");
        await Assertions.Expect(dialog.GetByText("Channel prefixes must be valid")).ToBeHiddenAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        // 2. The one-time reveal: the key and snippets that use it.
        var reveal = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(reveal.GetByTestId("api-key-once")).ToContainTextAsync("you will not see it again");
        var key = (await reveal.GetByTestId("new-api-key").TextContentAsync())!.Trim();
        Assert.StartsWith("pk_", key);
        var snippet = (await reveal.GetByTestId("js-snippet").TextContentAsync())!;
        Assert.Contains(key, snippet);
        Assert.Contains(browser.BaseUrl, snippet);
        Assert.Contains("/sdk/portal-token.js", snippet);
        Assert.Contains(key, await reveal.GetByTestId("dropin-snippet").TextContentAsync());
        await BrowserFixture.ShotAsync(page, "5x-03-api-key-reveal");
        await reveal.GetByRole(AriaRole.Button, new() { Name = "I have copied the key" }).ClickAsync();
        await Assertions.Expect(reveal).ToBeHiddenAsync();
        var row = page.GetByTestId("api-keys-table").GetByRole(AriaRole.Row).Filter(new() { HasText = "Customer site" });
        await Assertions.Expect(row).ToContainTextAsync("publishable");
        await Assertions.Expect(row).ToContainTextAsync(allowedOrigin);
        await Assertions.Expect(row.GetByTestId("api-key-state")).ToHaveTextAsync("active");
        await Assertions.Expect(row.GetByTestId("api-key-prefix")).ToHaveTextAsync(new Regex("^pk_live_[A-Za-z0-9_-]+…$"));
        Assert.DoesNotContain(key, await page.ContentAsync());
        await BrowserFixture.ShotAsync(page, "5x-04-api-keys-table");

        // 3. The snippet, pasted into a page of the allowed origin, gets a token.
        var sitePage = await context.NewPageAsync();
        await sitePage.GotoAsync(allowedOrigin + "/");
        var issued = await RunAsync(sitePage, snippet) ?? throw new Xunit.Sdk.XunitException("the fetch from the allowed origin failed");
        Assert.True(issued.TryGetProperty("token", out var token), issued.ToString());
        Assert.StartsWith("007", token.GetString());

        // 4. The same snippet from another origin is refused (readable as problem JSON, or a failed fetch).
        var otherPage = await context.NewPageAsync();
        await otherPage.GotoAsync(otherOrigin + "/");
        var refused = await RunAsync(otherPage, snippet);
        if (refused is { } json) Assert.Equal("origin_not_allowed", json.GetProperty("code").GetString());

        // 5. Usage: once the counters are flushed (every few seconds), the tab shows the token and the refusal.
        await WaitForUsageAsync(project, expectRefusal: refused is not null, ct);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Usage" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("usage-chart")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("usage-totals")).ToContainTextAsync("1");
        if (refused is not null) await Assertions.Expect(page.GetByTestId("refusals-table")).ToContainTextAsync("origin_not_allowed");
        await BrowserFixture.ShotAsync(page, "5x-05-usage");

        // 6. Revoke, after a confirmation: the snippet stops working within seconds.
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Customer site" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm).ToContainTextAsync("401");
        await BrowserFixture.ShotAsync(page, "5x-06-revoke-confirmation");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-key-state")).ToHaveTextAsync("revoked");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke Customer site" })).ToHaveCountAsync(0);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement? afterRevoke;
        do afterRevoke = await RunAsync(sitePage, snippet);
        while (afterRevoke?.TryGetProperty("token", out _) == true && DateTime.UtcNow < deadline && await Delay(ct));
        Assert.Equal("api_key_revoked", afterRevoke?.GetProperty("code").GetString());

        // 7. The Overview's quick start points at the API keys tab.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Overview" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("overview-open-api-keys")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "5x-07-overview-quick-start");
        await page.GetByTestId("overview-open-api-keys").ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-keys-table")).ToBeVisibleAsync();

        // 8. A secret key with the defaults: its reveal offers curl with the key in a header, never in a URL.
        await page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Backend");
        await Assertions.Expect(dialog.GetByLabel("Allowed origins")).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        reveal = page.GetByRole(AriaRole.Dialog);
        var secret = (await reveal.GetByTestId("new-api-key").TextContentAsync())!.Trim();
        Assert.StartsWith("sk_", secret);
        Assert.Contains($"Authorization: Bearer {secret}", await reveal.GetByTestId("curl-snippet").TextContentAsync());
        Assert.DoesNotContain("key=", await reveal.GetByTestId("dropin-snippet").TextContentAsync());
        await Assertions.Expect(reveal.GetByTestId("js-snippet")).ToHaveCountAsync(0);
        await BrowserFixture.ShotAsync(page, "5x-07b-secret-key-reveal");
        await reveal.GetByRole(AriaRole.Button, new() { Name = "I have copied the key" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-key-state")).ToHaveTextAsync(["active", "revoked"]);
    }

    [Fact]
    public async Task Auditor_SeesKeys_ButNoButtonThatChangesThem()
    {
        _ = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        await project.KeyAsync(kind: "publishable", origins: ["https://app.example.com"]);
        var (_, auditorEmail) = await ApiActors.MemberAsync(browser.App, project.Org.Owner, project.Org.Id, "Auditor");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, auditorEmail, $"/projects/{project.ProjectId}?tab=api-keys");
        await Assertions.Expect(page.GetByTestId("api-keys-table")).ToContainTextAsync("https://app.example.com");
        await Assertions.Expect(page.GetByText("an Owner or Admin creates and revokes them")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New key" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke test key" })).ToHaveCountAsync(0);
        await BrowserFixture.ShotAsync(page, "5x-08-api-keys-auditor");
    }

    /// Runs a copied snippet as a person pasting it would: the page evaluates it and awaits the promise it ends with.
    /// The helper rejects a refusal with Portal's problem fields; a fetch the browser blocks comes back as null.
    private static async Task<JsonElement?> RunAsync(IPage page, string snippet)
    {
        const string run = "snippet => (0, eval)(snippet).catch(e => ({ code: e.code, status: e.status, detail: e.detail }))";
        try { return await page.EvaluateAsync<JsonElement>(run, snippet); }
        catch (PlaywrightException e) when (e.Message.Contains("Failed to fetch", StringComparison.Ordinal)) { return null; }
    }

    private static async Task<bool> Delay(CancellationToken ct)
    {
        await Task.Delay(250, ct);
        return true;
    }

    /// The token and the refusal may be flushed in different rounds: wait for both.
    private static async Task WaitForUsageAsync(TokenProject project, bool expectRefusal, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var usage = await (await project.Org.Owner.GetAsync($"{project.Path}/usage", ct)).JsonAsync(HttpStatusCode.OK);
            var days = usage.GetProperty("days").EnumerateArray().ToList();
            if (days.Any(d => d.GetProperty("issued").GetInt64() > 0) &&
                (!expectRefusal || days.Any(d => d.GetProperty("refused").TryGetProperty("origin_not_allowed", out _)))) return;
            Assert.True(DateTime.UtcNow < deadline, "usage was not flushed within 15 s: " + usage);
            await Task.Delay(500, ct);
        }
    }



    /// A customer's web site: one HTML page on its own Kestrel, so its origin differs from Portal's.
    private sealed class CustomerSite(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public static async Task<CustomerSite> StartAsync(CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", () => Results.Content("<!doctype html><html><head><title>Customer app</title></head><body><h1>Customer app</h1></body></html>", "text/html"));
            await app.StartAsync(ct);
            return new CustomerSite(app, new Uri(app.Urls.First()).Port);
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
