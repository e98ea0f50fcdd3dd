using System.Net;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// Issue 14, item 6: a member removed while their page is open loses access at once, in that page too.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class OpenTabAccessTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task MemberRemovedWhileTheirPageIsOpen_IsRefusedOnTheNextWrite_AndThePageSaysTheyAreNoLongerAMember()
    {
        var ct = TestContext.Current.CancellationToken;
        var org = await ApiActors.OrganizationAsync(browser.App, await ApiActors.PlatformAdminAsync(browser.App));
        var admin = await ApiActors.MemberAsync(browser.App, org.Owner, org.Id, "Admin");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, admin.Email, "/projects");
        await page.GetByRole(AriaRole.Button, new() { Name = "New project" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Made after removal");
        await dialog.GetByLabel("App ID").FillAsync(ApiActors.NewAppId());

        // Meanwhile an Owner removes them.
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", ct)).JsonAsync(HttpStatusCode.OK);
        var membership = members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == admin.Email).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync($"{org.Path}/members/{membership}", ct)).StatusCode);

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(dialog.GetByText("You are not a member of this organization")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("no-organization")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("14-06-removed-member-open-tab"), FullPage = true });

        var projects = await (await org.Owner.GetAsync($"{org.Path}/projects", ct)).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("Made after removal", projects.ToString());
    }
}
