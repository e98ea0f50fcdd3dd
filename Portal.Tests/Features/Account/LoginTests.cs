using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Account;

public sealed class LoginTests : IClassFixture<PortalAppFactory>
{
    private readonly PortalAppFactory _app;

    public LoginTests(PortalAppFactory app) => _app = app;

    [Fact]
    public async Task LoginPage_WithRightPassword_SignsInAndAudits()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateBrowserLikeClient();

        var response = await IdentityPages.LoginAsync(client, user.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Identity/Account/Manage", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Contains(await EventsAsync(user.Id), e => e.Type == AuditEventType.LoginSucceeded);
    }

    [Fact]
    public async Task FiveFailedLogins_LockTheAccountForFifteenMinutes()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateBrowserLikeClient();

        for (var i = 0; i < 5; i++)
            await IdentityPages.LoginAsync(client, user.Email!, "wrong password " + i);
        var withRightPassword = await IdentityPages.LoginAsync(client, user.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, withRightPassword.StatusCode);
        Assert.Contains("/Account/Lockout", withRightPassword.Headers.Location!.ToString());
        using var scope = _app.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(user.Id);
        var remaining = stored!.LockoutEnd!.Value - DateTimeOffset.UtcNow;
        Assert.InRange(remaining.TotalMinutes, 14, 15.1);
        var events = await EventsAsync(user.Id);
        Assert.Equal(4, events.Count(e => e.Type == AuditEventType.LoginFailed));
        Assert.Contains(events, e => e.Type == AuditEventType.AccountLockedOut);
        Assert.DoesNotContain(events, e => e.Type == AuditEventType.LoginSucceeded);
    }

    [Fact]
    public async Task UserWhoMustChangePassword_IsSentToChangePasswordUntilChanged()
    {
        var user = await TestUsers.CreateAsync(_app, mustChangePassword: true);
        var client = _app.CreateBrowserLikeClient();
        await IdentityPages.LoginAsync(client, user.Email!, TestUsers.Password);

        var home = await client.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/Identity/Account/Manage/ChangePassword", home.Headers.Location!.OriginalString);

        var changed = await IdentityPages.PostFormAsync(client, "/Identity/Account/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = TestUsers.Password,
            ["Input.NewPassword"] = "a brand new passphrase",
            ["Input.ConfirmPassword"] = "a brand new passphrase",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        var after = await client.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains(await EventsAsync(user.Id), e => e.Type == AuditEventType.PasswordChanged);
    }

    [Fact]
    public async Task ShortPassword_IsRefusedByThePolicy()
    {
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var result = await users.CreateAsync(new PortalUser { UserName = "short@example.test", Email = "short@example.test" }, "elevenchars");
        Assert.Contains(result.Errors, e => e.Code == "PasswordTooShort");
    }

    [Fact]
    public async Task SelfRegistration_IsOff()
    {
        var response = await _app.CreateBrowserLikeClient().GetAsync("/Identity/Account/Register", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AuthCookie_IsHttpOnlyAndSameSiteLax()
    {
        var user = await TestUsers.CreateAsync(_app);
        var response = await IdentityPages.LoginAsync(_app.CreateBrowserLikeClient(), user.Email!, TestUsers.Password);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<List<AuditEvent>> EventsAsync(string userId)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.Where(e => e.ActorId == userId || e.TargetId == userId).ToListAsync();
    }
}
