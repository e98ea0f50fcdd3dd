using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data.Tenancy;
using Portal.Data.Usage;
using Portal.Features.Notifications;
using Portal.Features.Usage;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The issue's browser test: an organization with two weeks of usage, a daily report, a rotation due, a staged
/// certificate, a key about to expire and a failing webhook. The dashboard shows the figures and links each
/// problem to its fix; the usage pages chart the data and export it as CSV.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class DashboardAndUsageBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task Dashboard_ShowsFiguresAndWhatNeedsAttention_AndUsagePagesChartAndExportTheData()
    {
        _ = browser.BaseUrl;
        var app = browser.App;
        var alpha = await TokenProject.CreateAsync(app);
        var org = alpha.Org;
        await alpha.Org.Owner.PatchAsJsonAsync(alpha.Path, new { name = "Video rooms" });
        var beta = await TokenProject.CreateAsync(app, org);
        await beta.Org.Owner.PatchAsJsonAsync(beta.Path, new { name = "Chat app" });
        var web = (await alpha.KeyAsync()).Id;
        var mobile = (await alpha.KeyAsync(expiresAt: DateTimeOffset.UtcNow.AddDays(3))).Id;
        var chat = (await beta.KeyAsync()).Id;
        (await org.Owner.PostAsJsonAsync($"{beta.Path}/certificates", new
        {
            certificate = ApiActors.NewCertificate(),
            activation = "Staged",
            effectiveAt = DateTimeOffset.UtcNow.AddDays(2)
        })).EnsureSuccessStatusCode();

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var db = await app.Services.GetRequiredService<TenantDb>().UnfilteredAsync("test data set", CancellationToken.None))
        {
            void Add(Guid project, Guid key, int daysAgo, string service, string outcome, long count) => db.UsageCounters.Add(new UsageCounter
            {
                OrganizationId = org.Id,
                ProjectId = project,
                ApiKeyId = key,
                Service = service,
                Day = UsageDays.Of(today.AddDays(-daysAgo)),
                Outcome = outcome,
                Count = count,
            });
            for (var d = 1; d < 14; d++)
            {
                Add(alpha.ProjectId, web, d, "rtc", "issued", 300 + d * 37 % 200);
                Add(alpha.ProjectId, mobile, d, "rtc", "issued", 120 + d * 53 % 90);
                Add(alpha.ProjectId, web, d, "rtm", "issued", 80 + d * 29 % 60);
                Add(beta.ProjectId, chat, d, "chat", "issued", 150 + d * 41 % 100);
                if (d % 3 == 0) Add(alpha.ProjectId, web, d, "rtc", "rate_limited", 12);
                if (d % 4 == 0) Add(beta.ProjectId, Guid.Empty, d, "chat", "api_key_invalid", 5);
            }
            Add(alpha.ProjectId, web, 0, "rtc", "issued", 42);
            Add(alpha.ProjectId, web, 0, "rtc", "channel_not_allowed", 3);
            await db.SaveChangesAsync();
            await db.Projects.Where(p => p.Id == alpha.ProjectId).ExecuteUpdateAsync(s => s.SetProperty(p => p.RotationDueSince, DateTimeOffset.UtcNow.AddDays(-2)));
        }
        await app.Services.GetRequiredService<DailyReportJob>().RunAsync(CancellationToken.None);
        // A webhook nobody answers (a name that never resolves): its test delivery fails and is recorded.
        (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "https://receiver.invalid/portal" })).EnsureSuccessStatusCode();
        (await org.Owner.PostAsync($"{org.Path}/notifications/test", null)).EnsureSuccessStatusCode();
        var delivery = (await (await org.Owner.GetAsync($"{org.Path}/notifications/deliveries")).JsonAsync(HttpStatusCode.OK))
            .EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "test").GetProperty("id").GetGuid();
        await app.Services.GetRequiredService<NotificationDeliveryJob>().DeliverAsync(delivery, CancellationToken.None);

        await using var context = await browser.NewContextAsync(downloads: true);
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, org.OwnerEmail, "/");

        // 1. Dashboard: today's tokens, the week, counts, and the attention list with a link to each fix.
        await Assertions.Expect(page.GetByTestId("tokens-today")).ToHaveTextAsync("42");
        await Assertions.Expect(page.GetByTestId("project-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("key-count")).ToHaveTextAsync("3");
        var attention = page.GetByTestId("attention-list");
        await Assertions.Expect(attention.Locator("[data-kind=rotation_due]")).ToContainTextAsync("Video rooms");
        await Assertions.Expect(attention.Locator("[data-kind=staged_certificate]")).ToContainTextAsync("Chat app");
        await Assertions.Expect(attention.Locator("[data-kind=key_expiring]")).ToContainTextAsync("expires on");
        await Assertions.Expect(attention.Locator("[data-kind=webhook_failing]")).ToContainTextAsync("1 notification delivery failed");
        await BrowserFixture.ShotAsync(page, "6x-01-dashboard");

        await attention.Locator("[data-kind=rotation_due]").GetByRole(AriaRole.Link, new() { Name = "Rotate" }).ClickAsync();
        await BrowserFixture.UrlAsync(page, new Regex($"/projects/{alpha.ProjectId}\\?tab=certificates$"));
        await Assertions.Expect(page.GetByTestId("rotation-due")).ToContainTextAsync("Agora Console");
        await BrowserFixture.ShotAsync(page, "6x-02-rotation-due");

        // 2. Organization usage: totals, chart, top lists, refusals, the stored daily report, CSV export.
        await page.GotoAsync($"{browser.BaseUrl}/usage");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("usage-chart")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("top-projects")).ToContainTextAsync("Video rooms");
        await Assertions.Expect(page.GetByTestId("refusals-table")).ToContainTextAsync("rate_limited");
        await Assertions.Expect(page.GetByTestId("reports-table")).ToContainTextAsync(today.AddDays(-1).ToString("yyyy-MM-dd"));
        await Assertions.Expect(page.GetByTestId("report-detail")).ToContainTextAsync("tokens issued");
        await BrowserFixture.ShotAsync(page, "6x-03-usage");

        var sevenDays = page.GetByRole(AriaRole.Button, new() { Name = "7 days" });
        await sevenDays.ClickAsync();
        // The range is applied (button filled, rendered with the busy state) and loaded (export enabled again).
        await Assertions.Expect(sevenDays).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
        await Assertions.Expect(page.GetByTestId("usage-export")).ToBeEnabledAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("usage-export").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("date,project,api_key,service,outcome,count\r\n", csv);
        Assert.Contains(",Video rooms,", csv);
        Assert.DoesNotContain(today.AddDays(-7).ToString("yyyy-MM-dd"), csv); // the 7 days on screen, not more
        Assert.Matches(@"^organization-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);

        // 3. A project's usage tab: the same view limited to it, with its top keys.
        await page.GotoAsync($"{browser.BaseUrl}/projects/{beta.ProjectId}?tab=usage");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("top-keys")).ToContainTextAsync("test key");
        await Assertions.Expect(page.GetByTestId("refusals-table")).ToContainTextAsync("api_key_invalid");
        await BrowserFixture.ShotAsync(page, "6x-04-project-usage");

        // 4. Settings: the failing delivery and its recorded attempt.
        await page.GotoAsync($"{browser.BaseUrl}/settings");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("deliveries-table")).ToContainTextAsync("test");
        await Assertions.Expect(page.GetByTestId("deliveries-table")).ToContainTextAsync("failed: refused"); // the outcome only, never the connection error's text
        await BrowserFixture.ShotAsync(page, "6x-05-settings-deliveries");
    }

    [Fact]
    public async Task UsagePage_OfAnOrganizationWithoutRequests_ExplainsHowToGetTheFirstToken()
    {
        _ = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, project.Org.OwnerEmail, "/usage");
        await Assertions.Expect(page.GetByTestId("usage-empty")).ToContainTextAsync("api/v1/tokens/rtc");
        await Assertions.Expect(page.GetByTestId("reports-empty")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "6x-06-usage-empty");
    }


}
