using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

public sealed class HangfireDashboardTests : IClassFixture<PortalAppFactory>
{
    private readonly PortalAppFactory _app;
    public HangfireDashboardTests(PortalAppFactory app) => _app = app;

    [Fact]
    public async Task Dashboard_ForAnonymousVisitor_RedirectsToLogin()
    {
        var response = await _app.CreateBrowserLikeClient().GetAsync("/hangfire", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Identity/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Dashboard_ForOrdinaryUser_Returns403()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateBrowserLikeClient();
        await IdentityPages.LoginAsync(client, user.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/hangfire", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/hangfire/recurring", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Dashboard_ForPlatformAdmin_ShowsTheRecurringAuditJob()
    {
        var admin = await TestUsers.CreateAsync(_app, role: PortalRoles.PlatformAdmin);
        var client = _app.CreateBrowserLikeClient();
        await IdentityPages.LoginAsync(client, admin.Email!, TestUsers.Password);

        var response = await client.GetAsync("/hangfire/recurring", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("audit-chain-verify", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dashboard_ForAPlatformAdminDemotedSinceSignIn_Returns403AtOnce()
    {
        // The sign-in cookie still carries the role; the dashboard asks the database.
        var admin = await TestUsers.CreateAsync(_app, role: PortalRoles.PlatformAdmin);
        var client = _app.CreateBrowserLikeClient();
        await IdentityPages.LoginAsync(client, admin.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hangfire/recurring", TestContext.Current.CancellationToken)).StatusCode);

        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.RemoveFromRoleAsync((await users.FindByIdAsync(admin.Id))!, PortalRoles.PlatformAdmin)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/hangfire/recurring", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/hangfire/stats", TestContext.Current.CancellationToken)).StatusCode);
    }
}
