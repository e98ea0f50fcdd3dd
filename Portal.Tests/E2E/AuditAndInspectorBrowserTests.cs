using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Tests.E2E;

/// The issue's browser tests: an Auditor reviews and exports activity; a stranger's audit page is not found; a test token
/// minted on the project page is checked in the token inspector, then changed by one character, then an expired one.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class AuditAndInspectorBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Auditor_FiltersToOneProjectsCertificateEvents_AndExportsThem()
    {
        _ = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        var other = await TokenProject.CreateAsync(browser.App, project.Org);
        (await project.Org.Owner.PatchAsJsonAsync($"{other.Path}", new { name = "Other app" }, Ct)).EnsureSuccessStatusCode();
        (await project.Org.Owner.PostAsync($"{project.Path}/certificates/rotate", null, Ct)).EnsureSuccessStatusCode();
        (await project.Org.Owner.PostAsync($"{other.Path}/certificates/rotate", null, Ct)).EnsureSuccessStatusCode();
        var (_, auditorEmail) = await ApiActors.MemberAsync(browser.App, project.Org.Owner, project.Org.Id, "Auditor");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, auditorEmail, "/audit");
        var grid = page.GetByTestId("audit-grid");
        await Assertions.Expect(grid).ToContainTextAsync("Certificate promoted");
        await Assertions.Expect(grid).ToContainTextAsync("Project created");
        await BrowserFixture.ShotAsync(page, "7x-00-audit-log-auditor");

        // The chain: verify now runs the Hangfire job and the banner reports the result.
        await page.GetByTestId("verify-now").ClickAsync();
        await Assertions.Expect(page.GetByTestId("chain-status")).ToContainTextAsync("Chain intact", new() { Timeout = 20_000 });
        await BrowserFixture.ShotAsync(page, "7x-01-chain-verified");

        // Filters: the Certificates area, then the first project.
        await ChooseAsync(page, "Area", "Certificates");
        await ChooseAsync(page, "Project", "Tokens");
        var rows = grid.Locator("tbody tr");
        await Assertions.Expect(grid).Not.ToContainTextAsync(other.ProjectId.ToString());
        await Assertions.Expect(grid).ToContainTextAsync(project.ProjectId.ToString());
        await Assertions.Expect(grid).Not.ToContainTextAsync("Project created");
        var types = await grid.GetByTestId("audit-row-type").AllTextContentsAsync();
        await Assertions.Expect(page.GetByTestId("audit-count")).ToHaveTextAsync($"{types.Count} events match");
        Assert.True(types.Count >= 3, string.Join(", ", types));
        Assert.All(types, t => Assert.StartsWith("Certificate", t));
        await BrowserFixture.ShotAsync(page, "7x-02-filtered-certificates");

        // The drawer: the full event with its hash and its predecessor's.
        await rows.First.ClickAsync();
        var drawer = page.GetByTestId("audit-drawer");
        await Assertions.Expect(drawer.GetByTestId("audit-hash")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        await Assertions.Expect(drawer.GetByTestId("audit-predecessor-hash")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        Assert.Equal(await drawer.GetByTestId("audit-previous-hash").TextContentAsync(), await drawer.GetByTestId("audit-predecessor-hash").TextContentAsync());
        await Assertions.Expect(drawer).ToContainTextAsync(project.ProjectId.ToString());
        await Assertions.Expect(drawer.GetByTestId("audit-target-link")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("delete|edit", RegexOptions.IgnoreCase) }).CountAsync());
        await BrowserFixture.ShotAsync(page, "7x-03-event-drawer");
        await drawer.GetByRole(AriaRole.Button, new() { Name = "Close details" }).ClickAsync();
        await Assertions.Expect(drawer.GetByTestId("audit-hash")).Not.ToBeInViewportAsync();

        // Export the filtered view: exactly these events, and the export is itself on the record.
        var href = await page.GetByTestId("export-csv").GetAttributeAsync("href");
        Assert.Contains($"projectId={project.ProjectId}", href);
        var download = await context.APIRequest.GetAsync($"{browser.BaseUrl}/{href}");
        Assert.Equal(200, download.Status);
        var lines = (await download.TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(types.Count + 1, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Matches(",Certificate[A-Za-z]+,14\\d\\d,", l));
        Assert.All(lines.Skip(1), l => Assert.Contains(project.ProjectId.ToString(), l));
        var jsonl = await context.APIRequest.GetAsync($"{browser.BaseUrl}/{await page.GetByTestId("export-jsonl").GetAttributeAsync("href")}");
        Assert.Equal(types.Count, (await jsonl.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await page.GetByTestId("filter-clear").ClickAsync();
        await Assertions.Expect(page.GetByTestId("filter-clear")).ToBeHiddenAsync();
        await ChooseAsync(page, "Area", "System");
        await Assertions.Expect(grid).ToContainTextAsync("Audit exported");
        await BrowserFixture.ShotAsync(page, "7x-04-export-audited");
        var exported = await (await project.Org.Owner.GetAsync($"{project.Org.Path}/audit?type=AuditExported", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.All(exported.GetProperty("items").EnumerateArray(), e => Assert.Equal(auditorEmail, e.GetProperty("actor").GetProperty("name").GetString()));
        Assert.Equal(2, exported.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Admin_OpeningAnotherOrganizationsAuditPage_SeesNotFound()
    {
        _ = browser.BaseUrl;
        var admin = await ApiActors.PlatformAdminAsync(browser.App);
        var mine = await ApiActors.OrganizationAsync(browser.App, admin);
        var (_, adminEmail) = await ApiActors.MemberAsync(browser.App, mine.Owner, mine.Id, "Admin");
        var victim = await TokenProject.CreateAsync(browser.App);
        (await victim.Org.Owner.PatchAsJsonAsync(victim.Path, new { name = "Victim secret project" }, Ct)).EnsureSuccessStatusCode();

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, adminEmail, $"/orgs/{mine.Id}/audit");
        await Assertions.Expect(page.GetByTestId("audit-grid")).ToBeVisibleAsync();

        await page.GotoAsync($"{browser.BaseUrl}/orgs/{victim.Org.Id}/audit");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("not-found")).ToContainTextAsync("Organization not found");
        var html = await page.ContentAsync();
        Assert.DoesNotContain("Victim secret project", html);
        Assert.DoesNotContain(victim.AppId, html);
        Assert.DoesNotContain(victim.Org.OwnerEmail, html);
        await BrowserFixture.ShotAsync(page, "7x-10-foreign-audit-not-found");

        // Its export link answers 404 as well, and so does the platform-wide page for a non-platform-admin.
        var export = await context.APIRequest.GetAsync($"{browser.BaseUrl}/audit/export?orgId={victim.Org.Id}&format=csv");
        Assert.Equal(404, export.Status);
        await page.GotoAsync($"{browser.BaseUrl}/admin/audit");
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task MintedToken_IsValidInTheInspector_OneChangedCharacterIsNot_AndAnExpiredOneIsExplained()
    {
        _ = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, project.Org.OwnerEmail, $"/projects/{project.ProjectId}");

        // Mint on the project page.
        var form = page.GetByTestId("mint-form");
        await form.GetByLabel("Channel", new() { Exact = true }).FillAsync("room-1");
        await form.GetByLabel("Uid or account", new() { Exact = true }).FillAsync("42");
        await form.GetByLabel("Lifetime (s)").FillAsync("900");
        await page.GetByTestId("mint-submit").ClickAsync();
        var minted = page.GetByTestId("minted-token");
        await Assertions.Expect(minted).ToHaveTextAsync(new Regex("^007"));
        await Assertions.Expect(page.GetByTestId("mint-summary")).ToContainTextAsync("channel \u201croom-1\u201d, uid 42");
        var token = (await minted.TextContentAsync())!.Trim();
        await BrowserFixture.ShotAsync(page, "7x-20-minted-test-token");

        // The inspector: valid, with the right fields.
        await page.GotoAsync($"{browser.BaseUrl}/inspect");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await InspectAsync(page, token, "room-1", "42");
        await Assertions.Expect(page.GetByTestId("inspect-verdict")).ToContainTextAsync("Valid.");
        await Assertions.Expect(page.GetByTestId("field-version")).ToHaveTextAsync("007");
        await Assertions.Expect(page.GetByTestId("field-app-id")).ToHaveTextAsync(project.AppId);
        await Assertions.Expect(page.GetByTestId("field-project")).ToHaveTextAsync("Tokens");
        await Assertions.Expect(page.GetByTestId("field-certificate")).ToContainTextAsync("active certificate");
        await Assertions.Expect(page.GetByTestId("service-rtc-channel")).ToHaveTextAsync("room-1");
        await Assertions.Expect(page.GetByTestId("service-rtc-uid")).ToHaveTextAsync("42");
        await Assertions.Expect(page.GetByTestId("field-countdown")).ToContainTextAsync(new Regex(@"expires in 1[45] min"));
        await Assertions.Expect(page.GetByTestId("privilege-row")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("finding-signed_active")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "7x-21-inspector-valid");

        // The same token with one character changed.
        var at = token.Length / 2;
        var changed = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];
        await InspectAsync(page, changed, "room-1", "42");
        var verdict = page.GetByTestId("inspect-verdict");
        await Assertions.Expect(verdict).ToContainTextAsync("Not valid.");
        await Assertions.Expect(verdict).ToContainTextAsync("error 110");
        await Assertions.Expect(page.GetByTestId("inspect-findings")).ToContainTextAsync("signature");
        await Assertions.Expect(page.GetByTestId("inspect-findings")).ToContainTextAsync("changed");
        await BrowserFixture.ShotAsync(page, "7x-22-inspector-one-character-changed");

        // An expired token, signed by the project's own certificate.
        var issued = (uint)DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
        var expired = AccessToken2.Create(project.AppId, project.Certificate, issued, 99, 3600).WithRtc("room-1", 42u, RtcPrivileges.Publisher(3600)).Build();
        await InspectAsync(page, expired, "room-1", "42");
        await Assertions.Expect(verdict).ToContainTextAsync("The token has expired");
        await Assertions.Expect(page.GetByTestId("finding-expired")).ToContainTextAsync("error 109 (token expired)");
        await Assertions.Expect(page.GetByTestId("field-countdown")).ToContainTextAsync("expired");
        await Assertions.Expect(page.GetByTestId("finding-signed_active")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "7x-23-inspector-expired");
    }

    private static async Task InspectAsync(IPage page, string token, string channel, string uid)
    {
        await page.GetByLabel("Token", new() { Exact = true }).FillAsync(token);
        await page.GetByLabel("Channel the app joins (optional)").FillAsync(channel);
        await page.GetByLabel("Uid or account (optional)").FillAsync(uid);
        await page.GetByTestId("inspect-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("inspect-verdict")).ToBeVisibleAsync();
    }

    /// Opens a MudSelect by its label and picks an option.
    private static async Task ChooseAsync(IPage page, string label, string option)
    {
        await page.GetByLabel(label, new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true })).ToBeHiddenAsync();
    }



}
