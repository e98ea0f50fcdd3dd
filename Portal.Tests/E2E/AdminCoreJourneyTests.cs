using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The journey by hand: a platform admin creates an organization and invites its owner; the owner accepts,
/// creates a project, imports a certificate, rotates, and fixes a policy mistake before saving.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class AdminCoreJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    private const string Certificate = "5ca1ab1e0ddba11c0ffeefeedfacecab";
    private const string OwnerPassword = "a long owner passphrase";

    [Fact]
    public async Task PlatformAdmin_InvitesOwner_WhoCreatesProject_ImportsAndRotatesCertificate_AndEditsPolicy()
    {
        var admin = await TestUsers.CreateAsync(browser.App, role: PortalRoles.PlatformAdmin);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var orgName = $"Acme Rockets {suffix}";
        var ownerEmail = $"owner-{suffix}@example.test";

        // 1. The platform admin creates the organization and invites its owner.
        await using var adminContext = await browser.NewContextAsync();
        var page = await adminContext.NewPageAsync();
        await browser.SignInAsync(page, admin.Email!, "/admin/orgs", TestUsers.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Organizations", Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-00-organizations");
        await page.GetByRole(AriaRole.Button, new() { Name = "New organization" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync(orgName);
        await Assertions.Expect(dialog.GetByLabel("Slug")).ToHaveValueAsync($"acme-rockets-{suffix}");
        await BrowserFixture.ShotAsync(page, "1x-01-new-organization-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = orgName, Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"Invite owner of {orgName}" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Email").FillAsync(ownerEmail);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        var link = await page.GetByTestId("invitation-link").InnerTextAsync();
        Assert.Contains("/invitations/accept?token=inv_", link);
        await BrowserFixture.ShotAsync(page, "1x-02-organization-and-invitation");

        // 2. The owner opens the link in another browser, sets a password and signs in.
        await using var ownerContext = await browser.NewContextAsync();
        page = await ownerContext.NewPageAsync();
        await page.GotoAsync(link);
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(OwnerPassword);
        await page.GetByLabel("Confirm password").FillAsync(OwnerPassword);
        await BrowserFixture.ShotAsync(page, "1x-03-accept-invitation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("invitation-accepted")).ToContainTextAsync(orgName);
        await BrowserFixture.ShotAsync(page, "1x-04-invitation-accepted");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await BrowserFixture.UrlAsync(page, new Regex("/Identity/Account/Login"));
        await page.FillAsync("#Input_Email", ownerEmail);
        await page.FillAsync("#Input_Password", OwnerPassword);
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("first-run-checklist")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("organization-name")).ToHaveTextAsync(orgName);
        await BrowserFixture.ShotAsync(page, "1x-05-dashboard-checklist");

        // 3. The owner creates a project: the App ID is checked as they type.
        await page.GotoAsync(browser.BaseUrl + "/projects");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("projects-empty")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-06-projects-empty");
        await page.GetByRole(AriaRole.Button, new() { Name = "New project" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Classroom app");
        await dialog.GetByLabel("App ID").FillAsync("not-hex");
        await Assertions.Expect(dialog.GetByText("The App ID is exactly 32 hexadecimal characters")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-07-new-project-invalid-app-id");
        await dialog.GetByLabel("App ID").FillAsync("0123456789abcdef0123456789abcdef");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await BrowserFixture.UrlAsync(page, new Regex("/projects/[0-9a-f-]{36}"));
        await Assertions.Expect(page.GetByTestId("project-name")).ToHaveTextAsync("Classroom app");
        await Assertions.Expect(page.GetByTestId("no-active-certificate")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-08-project-certificates-empty");

        // 4. Import the certificate from "Agora Console": only its fingerprint is ever on the page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("App Certificate").FillAsync(Certificate);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("certificate-fingerprint")).ToHaveTextAsync("5ca1…ecab");
        await Assertions.Expect(page.GetByTestId("no-active-certificate")).ToBeHiddenAsync();
        Assert.DoesNotContain(Certificate, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await BrowserFixture.ShotAsync(page, "1x-09-certificate-imported");

        // 5. Rotate now: a generated certificate becomes Active, the imported one waits out its grace time.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate now" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Rotate now" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("certificate-fingerprint")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "5ca1…ecab" })).ToContainTextAsync("Previous");
        await Assertions.Expect(page.GetByTestId("rotation-step-4")).ToHaveAttributeAsync("data-current", "true");
        Assert.DoesNotContain(Certificate, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await BrowserFixture.ShotAsync(page, "1x-10-certificate-rotated");

        // 6. Policy: a default lifetime above the maximum is flagged next to the field, fixed, then saved.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Policy" }).ClickAsync();
        var defaultLifetime = page.GetByLabel("Default lifetime", new() { Exact = true });
        await defaultLifetime.FillAsync("90000");
        await Assertions.Expect(page.GetByText("The default lifetime must lie between the minimum and the maximum.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save policy" })).ToBeDisabledAsync();
        await BrowserFixture.ShotAsync(page, "1x-11-policy-validation-error");
        await defaultLifetime.FillAsync("7200");
        await Assertions.Expect(page.GetByText("The default lifetime must lie between the minimum and the maximum.")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("policy-preview")).ToContainTextAsync("lasts 2 h");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Policy saved")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-12-policy-saved");

        // 7. Everything above is in the project's activity.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Activity" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("activity-table")).ToContainTextAsync("Policy updated");
        await Assertions.Expect(page.GetByTestId("activity-table")).ToContainTextAsync("Certificate imported");
        await BrowserFixture.ShotAsync(page, "1x-13-project-activity");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Certificates" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle theme" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("guided-rotation")).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-13b-certificates-dark");

        await page.GotoAsync(browser.BaseUrl + "/projects");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Classroom app" })).ToBeVisibleAsync();
        await BrowserFixture.ShotAsync(page, "1x-14-projects-list");
        await page.GotoAsync(browser.BaseUrl + "/members");
        await Assertions.Expect(page.GetByTestId("members-table")).ToContainTextAsync(ownerEmail);
        await BrowserFixture.ShotAsync(page, "1x-15-members");
    }
}
