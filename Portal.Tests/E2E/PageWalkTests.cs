using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// Opt-in (PORTAL_PAGE_WALK=1; it takes minutes, so CI skips it): every page and the main dialogs at 1280 px and 390 px,
/// light and dark, with screenshots for a person to look at and a report of what a script can spot — a page wider
/// than the window, a button whose label wraps, an icon button without a name, a dialog taller than the window.
/// Output: $PORTAL_PAGE_WALK_DIR (default screenshots/walk) with walk-report.txt.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class PageWalkTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    private static readonly (string Name, int Width, int Height)[] Sizes = [("1280", 1280, 900), ("390", 390, 844)];

    private const string Probe = """
        () => {
          const out = [];
          const vw = document.documentElement.clientWidth, vh = window.innerHeight;
          if (document.documentElement.scrollWidth > vw + 1) out.push(`page is ${document.documentElement.scrollWidth}px wide in a ${vw}px window`);
          for (const b of document.querySelectorAll('button, a.mud-button-root')) {
            const r = b.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            const name = (b.getAttribute('aria-label') || b.getAttribute('title') || b.textContent || '').trim();
            if (!name) out.push(`unnamed button: ${b.outerHTML.slice(0, 120)}`);
            const label = b.querySelector('.mud-button-label');
            if (label) {
              const lh = parseFloat(getComputedStyle(label).lineHeight) || 20;
              if (label.getBoundingClientRect().height > lh * 1.6) out.push(`button label wraps: "${name}"`);
            }
            if (r.right > vw + 1) out.push(`button past the right edge: "${name}"`);
          }
          for (const d of document.querySelectorAll('.mud-dialog')) {
            const r = d.getBoundingClientRect();
            if (r.height > vh || r.top < 0 || r.bottom > vh + 1) out.push(`dialog ${Math.round(r.height)}px tall in a ${vh}px window (top ${Math.round(r.top)})`);
            if (r.width > vw) out.push(`dialog ${Math.round(r.width)}px wide in a ${vw}px window`);
          }
          for (const t of document.querySelectorAll('.mud-table-container, pre, .mud-paper')) {
            if (t.scrollWidth > t.clientWidth + 2 && getComputedStyle(t).overflowX !== 'auto') out.push(`content overflows a ${t.className.split(' ')[0]}: ${t.scrollWidth} > ${t.clientWidth}`);
          }
          return [...new Set(out)];
        }
        """;

    [Fact]
    public async Task EveryPage_AtBothWidths_InBothThemes()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("PORTAL_PAGE_WALK") == "1", "Opt-in: PORTAL_PAGE_WALK=1 walks every page (minutes).");
        var ct = TestContext.Current.CancellationToken;
        var dir = Environment.GetEnvironmentVariable("PORTAL_PAGE_WALK_DIR") ?? Path.Combine(AppContext.BaseDirectory, "screenshots", "walk");
        Directory.CreateDirectory(dir);
        var baseUrl = browser.BaseUrl;

        // A lived-in organization: the admin is its Owner, with a project, certificates, keys, usage, members and an invitation.
        var admin = await TestUsers.CreateAsync(browser.App, email: $"walker-{Guid.NewGuid():N}"[..20] + "@example.test", role: PortalRoles.PlatformAdmin);
        var client = await ApiActors.ClientForAsync(browser.App, admin.Email!);
        var orgId = (await (await client.PostAsJsonAsync("/api/v1/orgs", new { name = "Acme Rockets International", slug = "acme-" + Guid.NewGuid().ToString("N")[..8], joinAsOwner = true }, ct))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await client.PostAsJsonAsync("/api/v1/orgs", new { name = "Second Org", slug = "second-" + Guid.NewGuid().ToString("N")[..8], joinAsOwner = true }, ct);
        await client.PostAsJsonAsync("/api/v1/orgs", new { name = "Customer Without Me", slug = "cust-" + Guid.NewGuid().ToString("N")[..8], joinAsOwner = false }, ct);
        var org = new TestOrg(orgId, client, admin.Email!);
        var project = await TokenProject.CreateAsync(browser.App, org);
        await client.PostAsJsonAsync($"{project.Path}/certificates", new { activation = "Staged" }, ct);
        var (key, _) = await project.KeyAsync();
        await project.KeyAsync(kind: "publishable", origins: ["https://app.example.com", "https://another-long-origin.example.org:8443"], channelPrefixes: ["class-", "lobby-"]);
        await project.KeyAsync(rateLimit: "unlimited");
        for (var i = 0; i < 5; i++) await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 42 + i }, ct);
        await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 0 }, ct); // a refusal
        await ApiActors.MemberAsync(browser.App, client, orgId, "Auditor");
        await client.PostAsJsonAsync($"{org.Path}/invitations", new { email = "pending.person@example.test", role = "Admin" }, ct);
        var token = (await (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 42 }, ct))
            .JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;
        var invitation = (await (await client.PostAsJsonAsync($"{org.Path}/invitations", new { email = "new.person@example.test", role = "Auditor" }, ct))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("url").GetString()!;

        string[] pages =
        [
            "/", "/projects", $"/projects/{project.ProjectId}", $"/projects/{project.ProjectId}?tab=certificates", $"/projects/{project.ProjectId}?tab=policy",
            $"/projects/{project.ProjectId}?tab=api-keys", $"/projects/{project.ProjectId}?tab=usage", $"/projects/{project.ProjectId}?tab=activity",
            "/usage", "/audit", "/admin/audit", "/inspect", "/members", "/settings", "/admin/orgs", "/account/tokens", "/not-found",
            "/Identity/Account/Manage", "/Identity/Account/Manage/ChangePassword", "/Identity/Account/Manage/TwoFactorAuthentication",
            "/Identity/Account/Manage/EnableAuthenticator", "/sdk/demo",
        ];
        var report = new StringBuilder();
        foreach (var (sizeName, width, height) in Sizes)
            foreach (var dark in new[] { false, true })
            {
                var theme = dark ? "dark" : "light";
                // Dark as the system's preference: Portal follows it until a theme is chosen with the toggle.
                await using var context = await browser.OpenContextAsync(new()
                {
                    ViewportSize = new() { Width = width, Height = height },
                    ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
                });
                var page = await context.NewPageAsync();
                // Anonymous pages first.
                await Visit(page, "/Identity/Account/Login", "login");
                await page.GotoAsync(invitation);
                await Snap(page, "invitation-accept");
                await page.GotoAsync($"{baseUrl}/Identity/Account/Login");
                await page.FillAsync("#Input_Email", admin.Email!);
                await page.FillAsync("#Input_Password", TestUsers.Password);
                await page.ClickAsync("#login-submit");
                await BrowserFixture.UrlAsync(page, new Regex("^(?!.*/Login)"));
                foreach (var path in pages) await Visit(page, path, Slug(path.Replace(project.ProjectId.ToString(), "x")));

                // Dialogs and a filled-in inspector.
                await Visit(page, "/inspect", "inspect-result", async () =>
                {
                    await page.GetByTestId("inspect-token").FillAsync(token);
                    await page.GetByTestId("inspect-submit").ClickAsync();
                    await page.GetByTestId("inspect-verdict").WaitForAsync();
                });
                await Visit(page, "/admin/orgs", "dialog-new-organization", () => page.GetByRole(AriaRole.Button, new() { Name = "New organization" }).ClickAsync());
                await Visit(page, "/projects", "dialog-new-project", () => page.GetByRole(AriaRole.Button, new() { Name = "New project" }).ClickAsync());
                await Visit(page, $"/projects/{project.ProjectId}?tab=api-keys", "dialog-new-key", () => page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync());
                await Visit(page, $"/projects/{project.ProjectId}?tab=api-keys", "dialog-key-reveal", async () =>
                {
                    await page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
                    var dialog = page.GetByRole(AriaRole.Dialog);
                    await dialog.GetByLabel("Name").FillAsync($"walk {theme} {sizeName}");
                    await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
                    await page.GetByTestId("new-api-key").WaitForAsync();
                });
                await Visit(page, $"/projects/{project.ProjectId}?tab=certificates", "dialog-import-certificate", () => page.GetByRole(AriaRole.Button, new() { Name = "Import" }).First.ClickAsync());
                await Visit(page, "/members", "dialog-invite", () => page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync());
                if (width < 600)
                    await Visit(page, "/", "drawer-open", () => page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync());

                async Task Visit(IPage p, string path, string name, Func<Task>? then = null)
                {
                    await p.GotoAsync(baseUrl + path);
                    if (await p.Locator("[data-interactive=true]").CountAsync() == 0 && !path.StartsWith("/Identity") && !path.StartsWith("/sdk"))
                        await p.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 10_000 });
                    await p.WaitForLoadStateAsync(LoadState.NetworkIdle);
                    try
                    {
                        if (then is not null) { await then(); await p.WaitForTimeoutAsync(400); }
                    }
                    catch (Exception e) when (e is PlaywrightException or TimeoutException)
                    {
                        report.AppendLine($"{sizeName}-{theme}-{name}: STEP FAILED {e.Message.Split('\n')[0]}");
                    }
                    await Snap(p, name);
                }

                async Task Snap(IPage p, string name)
                {
                    await p.WaitForTimeoutAsync(300);
                    var file = $"{sizeName}-{theme}-{name}";
                    await p.ScreenshotAsync(new() { Path = Path.Combine(dir, file + ".png"), FullPage = true });
                    var findings = await p.EvaluateAsync<string[]>(Probe);
                    report.AppendLine($"{file}: {(findings.Length == 0 ? "ok" : string.Join(" | ", findings))}");
                    await File.WriteAllTextAsync(Path.Combine(dir, "walk-report.txt"), report.ToString(), ct);
                }
            }
        await File.WriteAllTextAsync(Path.Combine(dir, "walk-report.txt"), report.ToString(), ct);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
    }

    private static string Slug(string path) =>
        path == "/" ? "dashboard" : new string(path.Trim('/').Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
