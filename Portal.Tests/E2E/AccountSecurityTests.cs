using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Features.Account;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class AccountSecurityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task User_EnablesAuthenticatorFromQrPage_AndGetsRecoveryCodes()
    {
        var user = await TestUsers.CreateAsync(browser.App);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/Identity/Account/Login?ReturnUrl=%2FIdentity%2FAccount%2FManage%2FEnableAuthenticator");
        await page.FillAsync("#Input_Email", user.Email!);
        await page.FillAsync("#Input_Password", TestUsers.Password);
        await page.ClickAsync("#login-submit");
        await BrowserFixture.UrlAsync(page, new Regex("/Manage/EnableAuthenticator$"));

        // The QR code is drawn by Portal itself (no CDN); the shared key is shown beside it.
        await Assertions.Expect(page.Locator("#qrCode svg")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("05-enable-authenticator"), FullPage = true });
        var key = Regex.Replace(await page.Locator("kbd").First.InnerTextAsync(), "\\s", "");
        var code = TotpTokenProvider.Compute(Base32.Decode(key), DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30).ToString("D6");
        await page.FillAsync("#Input_Code", code);
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Your authenticator app has been verified");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("06-recovery-codes"), FullPage = true });

        // Turning it off asks who is at the keyboard first.
        await page.GotoAsync(browser.BaseUrl + "/Identity/Account/Manage/Disable2fa");
        await page.ClickAsync("#disable-2fa");
        await Assertions.Expect(page.GetByTestId("confirmation-error")).ToContainTextAsync("to confirm it is you");
        await page.FillAsync("#Input_Password", TestUsers.Password);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("06b-disable-2fa"), FullPage = true });
        await page.ClickAsync("#disable-2fa");
        await BrowserFixture.UrlAsync(page, new Regex("/Manage/TwoFactorAuthentication$"));
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Two-factor authentication is off");
    }

    [Fact]
    public async Task ApiReference_RendersTheOperations_Offline()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/api/docs");
        await Assertions.Expect(page.GetByText("/api/v1/auth/token").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("07-api-reference") });
    }
}
