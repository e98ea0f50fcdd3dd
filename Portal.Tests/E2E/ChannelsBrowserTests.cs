using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Tests.Features.AgoraOps;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The browser test: an Owner opens a project's Channels tab, sees who NCS says is online, kicks a user
/// (with confirmation) and sees the rule Agora returned listed.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class ChannelsBrowserTests(ChannelsBrowserTests.Fixture f) : IClassFixture<ChannelsBrowserTests.Fixture>, IDisposable
{
    public void Dispose() => f.Browser.Journal.WriteIfFailed();

    /// A fake Agora, then a browser on a Portal pointed at it.
    public sealed class Fixture : IAsyncLifetime
    {
        public FakeAgora Agora { get; private set; } = null!;
        public BrowserFixture Browser { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Agora = await FakeAgora.StartAsync(CancellationToken.None);
            Browser = new BrowserFixture(new Dictionary<string, string?>
            {
                ["Portal:Agora:RestBaseUrl"] = Agora.Url,
                ["Portal:Agora:AllowPrivateNetworks"] = "true",
            });
            await Browser.InitializeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await Agora.DisposeAsync();
        }
    }

    [Fact]
    public async Task ChannelsTab_ShowsWhoIsOnline_KicksAUser_AndListsAgorasRule()
    {
        var ct = TestContext.Current.CancellationToken;
        var browser = f.Browser;
        _ = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        f.Agora.AppIds.Add(project.AppId);
        var account = await AgoraOpsHelpers.AddAccountAsync(project.Org, f.Agora.CustomerId, f.Agora.CustomerSecret);
        (await project.Org.Owner.PutAsJsonAsync($"{project.Path}/agora-account", new { agoraAccountId = account }, ct)).EnsureSuccessStatusCode();
        (await project.Org.Owner.PutAsJsonAsync($"{project.Path}/ncs", new { secret = "ncs-secret-0123456789" }, ct)).EnsureSuccessStatusCode();
        // Agora's NCS tells Portal that uid 42 joined "lobby" as a host.
        var body = JsonSerializer.Serialize(new { noticeId = "n1", productId = 1, eventType = 103, notifyMs = 1700000000000, payload = new { channelName = "lobby", uid = 42, clientSeq = 1, ts = 1700000000 } });
        var notice = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/agora/{project.ProjectId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        notice.Headers.Add("Agora-Signature-V2", Convert.ToHexStringLower(HMACSHA256.HashData("ncs-secret-0123456789"u8, Encoding.UTF8.GetBytes(body))));
        await (await browser.App.CreateClient().SendAsync(notice, ct)).JsonAsync(HttpStatusCode.OK);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, project.Org.OwnerEmail, $"/projects/{project.ProjectId}?tab=channels");
        var channel = page.GetByTestId("channel");
        await Assertions.Expect(channel).ToContainTextAsync("lobby");
        await Assertions.Expect(channel).ToContainTextAsync("42");
        await Assertions.Expect(page.GetByTestId("bans-empty")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "18-01-channels-tab");

        await channel.GetByRole(AriaRole.Button, new() { Name = "Kick" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("uid 42");
        await BrowserFixture.ShotAsync(page, "18-02-kick-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Kick" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("ban-status")).ToHaveTextAsync("done");
        var rule = Assert.Single(f.Agora.Rules.Values, r => r.AppId == project.AppId);
        await Assertions.Expect(page.GetByTestId("ban-rule")).ToHaveTextAsync(rule.Id.ToString());
        Assert.Equal((42L, "lobby", 0), (rule.Uid!.Value, rule.Cname, rule.Time));
        await BrowserFixture.ShotAsync(page, "18-03-kicked");

        // The organization's settings list the account with its fingerprint, never the secret.
        await page.GotoAsync($"{browser.BaseUrl}/settings");
        var accounts = page.GetByTestId("agora-accounts-table");
        await Assertions.Expect(accounts).ToContainTextAsync(f.Agora.CustomerId);
        Assert.DoesNotContain(f.Agora.CustomerSecret, await page.ContentAsync());
        // The table is already there in the prerendered page; a click counts only once the circuit runs it.
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("agora-test-result")).ToContainTextAsync("Connected");
        await BrowserFixture.ShotAsync(page, "18-04-agora-accounts");
    }
}
