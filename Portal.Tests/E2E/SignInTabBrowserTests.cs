using System.Net;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// An Owner adds an identity provider with a rule on the Sign-in tab, sees it listed, checks sample claims in the
/// Try-it panel (matching and refused), and removes it after confirming.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class SignInTabBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task Owner_AddsAProviderWithARule_TriesSampleClaims_AndRemovesIt()
    {
        _ = browser.BaseUrl;
        var project = await TokenProject.CreateAsync(browser.App);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, project.Org.OwnerEmail, $"/projects/{project.ProjectId}?tab=sign-in");
        await Assertions.Expect(page.GetByTestId("providers-empty")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "17-01-sign-in-empty");

        await page.GetByTestId("providers-empty").GetByTestId("add-provider").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Auth0 (prod)");
        await dialog.GetByLabel("Issuer URL").FillAsync("https://example.eu.auth0.com/");
        await dialog.GetByLabel("Audiences").FillAsync("my-client-id");
        await dialog.GetByLabel("Channel patterns").FillAsync("user-{sub}, room-*");
        await BrowserFixture.ShotAsync(page, "17-02-add-provider");
        await dialog.GetByTestId("provider-save").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();

        var row = page.GetByTestId("providers-table").GetByRole(AriaRole.Row).Filter(new() { HasText = "Auth0 (prod)" });
        await Assertions.Expect(row).ToContainTextAsync("https://example.eu.auth0.com/");
        await Assertions.Expect(row).ToContainTextAsync("user-{sub}");
        var listed = await (await project.Org.Owner.GetAsync($"{project.Path}/identity-providers")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("https://example.eu.auth0.com/", Assert.Single(listed.EnumerateArray()).GetProperty("issuer").GetString());

        var tryIt = page.GetByTestId("try-it");
        await tryIt.GetByLabel("Channel").FillAsync("user-alice");
        await tryIt.GetByLabel("Sample JWT or claims JSON").FillAsync("""{"sub":"alice"}""");
        await tryIt.GetByTestId("try-run").ClickAsync();
        await Assertions.Expect(tryIt.GetByTestId("try-result")).ToContainTextAsync("matches");
        await Assertions.Expect(tryIt.GetByTestId("try-result")).ToContainTextAsync("user-alice");
        await BrowserFixture.ShotAsync(page, "17-03-try-it-match");
        await tryIt.GetByLabel("Channel").FillAsync("user-bob");
        await tryIt.GetByTestId("try-run").ClickAsync();
        await Assertions.Expect(tryIt.GetByTestId("try-result")).ToContainTextAsync("claim_rule_no_match");

        await row.GetByRole(AriaRole.Button, new() { Name = "Remove Auth0 (prod)" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("providers-empty")).ToBeVisibleAsync();
    }
}
