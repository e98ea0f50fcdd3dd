using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.E2E;

[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class FirstLoginTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task PlatformAdmin_FirstLogin_ChangesInitialPassword_AndReachesDashboard()
    {
        var baseUrl = browser.BaseUrl;
        var password = (await File.ReadAllTextAsync(Path.Combine(browser.App.DataDirectory, "initial-admin-password"),
            TestContext.Current.CancellationToken)).Trim();
        await using var context = await browser.NewContextAsync(height: 800);
        var page = await context.NewPageAsync();

        await page.GotoAsync(baseUrl + "/");
        await BrowserFixture.UrlAsync(page, new Regex("/Identity/Account/Login"));
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("01-login"), FullPage = true });
        await page.FillAsync("#Input_Email", "admin@localhost");
        await page.FillAsync("#Input_Password", password);
        await page.ClickAsync("#login-submit");

        // The generated password must be changed before anything else.
        await BrowserFixture.UrlAsync(page, new Regex("/Identity/Account/Manage/ChangePassword$"));
        await page.FillAsync("#Input_OldPassword", password);
        await page.FillAsync("#Input_NewPassword", "my own long passphrase");
        await page.FillAsync("#Input_ConfirmPassword", "my own long passphrase");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("02-change-password"), FullPage = true });
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".alert-success")).ToContainTextAsync("Your password has been changed");

        await page.GotoAsync(baseUrl + "/");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
        await Assertions.Expect(page.GetByText("admin@localhost")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("03-dashboard"), FullPage = true });
    }

    [Fact]
    public async Task SignedInUser_CreatesManagementToken_AndSeesItOnce()
    {
        var user = await Infrastructure.TestUsers.CreateAsync(browser.App);
        await using var context = await browser.NewContextAsync(height: 800);
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/Identity/Account/Login?ReturnUrl=%2Faccount%2Ftokens");
        await page.FillAsync("#Input_Email", user.Email!);
        await page.FillAsync("#Input_Password", Infrastructure.TestUsers.Password);
        await page.ClickAsync("#login-submit");
        await BrowserFixture.UrlAsync(page, new Regex("/account/tokens$"));
        await Assertions.Expect(page.GetByText("You have no management tokens yet.")).ToBeVisibleAsync();

        // Clicks made before the Blazor circuit is connected are lost: wait for the layout to turn interactive.
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New token" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("04a-new-token-dialog"), FullPage = true });
        await dialog.GetByLabel("Name").FillAsync("CI deploy");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        var token = page.GetByTestId("new-token");
        await Assertions.Expect(token).ToContainTextAsync("ptm_");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "CI deploy" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("04-management-token"), FullPage = true });
    }
}
