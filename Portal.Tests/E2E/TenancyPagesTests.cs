using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data.Identity;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// Another organization's ids render exactly like ids that do not exist: a "not found" state, never its data.
[Trait("Category", "E2E")]
[Collection(BrowserFixture.Collection)] // one browser test at a time: run side by side on 2 cores they timed out
public sealed class TenancyPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    public void Dispose() => browser.Journal.WriteIfFailed();

    [Fact]
    public async Task ProjectPage_OfAnotherOrganization_RendersNotFound_LikeAMissingId()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await TestUsers.CreateAsync(browser.App);
        var mallory = await TestUsers.CreateAsync(browser.App);
        var aliceOrg = await CreateOrganizationAsync(alice, ct);
        var victimOrg = await CreateOrganizationAsync(mallory, ct);
        var own = await CreateProjectAsync(aliceOrg, "Alice's app", ct);
        var foreign = await CreateProjectAsync(victimOrg, "Victim secret project", ct);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, alice.Email!, "/projects");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Alice's app" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Victim secret project")).ToHaveCountAsync(0);

        await page.GotoAsync($"{browser.BaseUrl}/projects/{own.Id}");
        await Assertions.Expect(page.GetByTestId("project-name")).ToHaveTextAsync("Alice's app");

        await page.GotoAsync($"{browser.BaseUrl}/projects/{foreign.Id}");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        var foreignHtml = await page.ContentAsync();
        Assert.DoesNotContain("Victim secret project", foreignHtml);
        Assert.DoesNotContain(foreign.AppId, foreignHtml);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("1x-20-foreign-project-not-found"), FullPage = true });

        await page.GotoAsync($"{browser.BaseUrl}/projects/{Guid.NewGuid()}");
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task UserWithoutOrganization_SeesHowToGetAnInvitation()
    {
        var loner = await TestUsers.CreateAsync(browser.App);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInAsync(page, loner.Email!, "/projects");
        await Assertions.Expect(page.GetByTestId("no-organization")).ToContainTextAsync("invitation");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("1x-21-no-organization"), FullPage = true });
    }

    private async Task<OrgCaller> CreateOrganizationAsync(PortalUser owner, CancellationToken ct)
    {
        var platformAdmin = await TestUsers.CreateAsync(browser.App, role: PortalRoles.PlatformAdmin); // checked in the database
        using var scope = browser.App.Services.CreateScope();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var created = await scope.ServiceProvider.GetRequiredService<OrganizationService>()
            .CreateAsync(new PlatformCaller(platformAdmin.Id, true, AuditActor.System), new CreateOrganization($"Org {suffix}", $"org-{suffix}", JoinAsOwner: false), ct);
        var orgId = created.Value!.Id;
        await using var db = await scope.ServiceProvider.GetRequiredService<TenantDb>().ForOrganizationAsync(orgId, ct);
        db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = owner.Id, Role = OrganizationRole.Owner, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(ct);
        return new OrgCaller(orgId, owner.Id, OrganizationRole.Owner, false, AuditActor.System);
    }

    private async Task<ProjectDto> CreateProjectAsync(OrgCaller caller, string name, CancellationToken ct)
    {
        using var scope = browser.App.Services.CreateScope();
        var appId = Guid.NewGuid().ToString("N");
        var result = await scope.ServiceProvider.GetRequiredService<ProjectService>().CreateAsync(caller, new CreateProject(name, appId), ct);
        Assert.True(result.Ok, result.Error?.Message);
        return result.Value!;
    }
}
