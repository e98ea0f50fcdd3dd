using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Features.Account;
using Portal.Features.ApiKeys;
using Portal.Features.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Issue 14, items 6 to 8: what an open tab, a second session or an old credential can still do.
public sealed class SessionEdgeTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// An OrgCaller made the way an open page makes it, then kept while the member's standing changes.
    private async Task<OrgCaller> CallerAsync(string email, Guid orgId)
    {
        using var scope = app.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user!.Id), new Claim(ClaimTypes.Email, email)], "test"));
        var caller = await scope.ServiceProvider.GetRequiredService<OrganizationAccess>().ResolveAsync(principal, orgId, Ct);
        Assert.True(caller.Ok, caller.Error?.Message);
        return caller.Value!;
    }

    private async Task<Guid> MembershipIdAsync(TestOrg org, string email)
    {
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        return members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == email).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task CallerKeptByAnOpenPage_AfterRemoval_IsRefusedOnTheNextWriteAndRead()
    {
        var project = await TokenProject.CreateAsync(app);
        var admin = await ApiActors.MemberAsync(app, project.Org.Owner, project.Org.Id, "Admin");
        var kept = await CallerAsync(admin.Email, project.Org.Id);
        using (var scope = app.Services.CreateScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            Assert.True((await keys.ListAsync(kept, project.ProjectId, Ct)).Ok);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await project.Org.Owner.DeleteAsync($"{project.Org.Path}/members/{await MembershipIdAsync(project.Org, admin.Email)}", Ct)).StatusCode);

        using var after = app.Services.CreateScope();
        var changes = after.ServiceProvider.GetRequiredService<OrganizationChanges>();
        var told = 0;
        changes.OnChanged += _ => told++;
        var service = after.ServiceProvider.GetRequiredService<ApiKeyService>();
        var write = await service.CreateAsync(kept, project.ProjectId, new CreateApiKey("late", "secret", ["rtc"], null, null, null, null), Ct);
        Assert.Equal("not_found", write.Error?.Code);
        var read = await service.ListAsync(kept, project.ProjectId, Ct);
        Assert.Equal("not_found", read.Error?.Code);
        Assert.True(told >= 1); // the open page is told to redraw
    }

    [Fact]
    public async Task CallerKeptByAnOpenPage_AfterDemotionOrDisabling_CannotWrite()
    {
        var project = await TokenProject.CreateAsync(app);
        var admin = await ApiActors.MemberAsync(app, project.Org.Owner, project.Org.Id, "Admin");
        var kept = await CallerAsync(admin.Email, project.Org.Id);
        var membership = await MembershipIdAsync(project.Org, admin.Email);
        (await project.Org.Owner.PatchAsJsonAsync($"{project.Org.Path}/members/{membership}", new { role = "Auditor" }, Ct)).EnsureSuccessStatusCode();

        using var scope = app.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        Assert.Equal("role_forbidden", (await service.CreateAsync(kept, project.ProjectId, new CreateApiKey("late", "secret", ["rtc"], null, null, null, null), Ct)).Error?.Code);
        Assert.True((await service.ListAsync(kept, project.ProjectId, Ct)).Ok); // an Auditor still reads

        var owner = await CallerAsync(project.Org.OwnerEmail, project.Org.Id);
        var platformAdmin = await ApiActors.PlatformAdminAsync(app);
        (await platformAdmin.PatchAsJsonAsync(project.Org.Path, new { isDisabled = true }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("organization_disabled",
            (await service.CreateAsync(owner, project.ProjectId, new CreateApiKey("late", "secret", ["rtc"], null, null, null, null), Ct)).Error?.Code);
    }

    [Fact]
    public async Task Reauthentication_IsRememberedForTheSessionThatGaveIt_NotForTheUsersOtherSessions()
    {
        var project = await TokenProject.CreateAsync(app);
        var certificates = await (await project.Org.Owner.GetAsync($"{project.Path}/certificates", Ct)).JsonAsync(HttpStatusCode.OK);
        var reveal = $"{project.Path}/certificates/{certificates[0].GetProperty("id").GetGuid()}/reveal";
        var second = await ApiActors.ClientForAsync(app, project.Org.OwnerEmail); // another management token of the same user

        await (await project.Org.Owner.PostAsJsonAsync(reveal, new { password = TestUsers.Password }, Ct)).JsonAsync(HttpStatusCode.OK);
        await (await project.Org.Owner.PostAsJsonAsync(reveal, new { }, Ct)).JsonAsync(HttpStatusCode.OK); // remembered for this session
        await ProblemAssert.IsProblemAsync(await second.PostAsJsonAsync(reveal, new { }, Ct), HttpStatusCode.Unauthorized, "reauthentication_required");
    }

    [Theory]
    [InlineData("password_changed")]
    [InlineData("password_reset")]
    [InlineData("two_factor_enabled")]
    public async Task CredentialChange_RevokesTheUsersManagementTokens(string change)
    {
        var user = await TestUsers.CreateAsync(app);
        var login = await ApiActors.ClientForAsync(app, user.Email!);
        var named = await (await login.PostAsJsonAsync("/api/v1/me/tokens", new { name = "ci" }, Ct)).JsonAsync(HttpStatusCode.Created);
        var namedClient = app.CreateClient();
        namedClient.DefaultRequestHeaders.Authorization = new("Bearer", named.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await namedClient.GetAsync("/api/v1/me", Ct)).StatusCode);
        var stampBefore = user.SecurityStamp;

        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            var result = change switch
            {
                "password_changed" => await users.ChangePasswordAsync(stored, TestUsers.Password, "a brand new long password"),
                "password_reset" => await users.ResetPasswordAsync(stored, await users.GeneratePasswordResetTokenAsync(stored), "a brand new long password"),
                _ => await EnableTwoFactorAsync(users, stored),
            };
            Assert.True(result.Succeeded);
            Assert.NotEqual(stampBefore, stored.SecurityStamp); // other cookie sessions end at their next stamp check
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await login.GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await namedClient.GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task PasswordChange_ThatCannotRevokeTheTokens_IsNotSavedEither()
    {
        // The database refuses the revocation (a real trigger, standing in for a full disk or a lost connection): the
        // new password must not be saved without it, or a stolen token would outlive the change meant to end it.
        await using var faulty = new PortalAppFactory();
        var user = await TestUsers.CreateAsync(faulty);
        await ApiActors.ClientForAsync(faulty, user.Email!); // a management token the change would revoke
        await using (var db = new PortalDbContext(TestDatabase.Options(faulty.DataDirectory)))
            await db.Database.ExecuteSqlRawAsync(TestDatabase.IsPostgres
                ? """
                  CREATE FUNCTION refuse_revocation() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'revocation refused'; END $$ LANGUAGE plpgsql;
                  CREATE TRIGGER refuse_revocation BEFORE UPDATE ON "ManagementTokens" FOR EACH ROW EXECUTE FUNCTION refuse_revocation();
                  """
                : "CREATE TRIGGER refuse_revocation BEFORE UPDATE ON ManagementTokens BEGIN SELECT RAISE(ABORT, 'revocation refused'); END;", Ct);

        using (var scope = faulty.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await Assert.ThrowsAnyAsync<Exception>(() => users.ChangePasswordAsync(stored, TestUsers.Password, "a brand new long password"));
        }

        using (var scope = faulty.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var fresh = (await users.FindByIdAsync(user.Id))!;
            Assert.True(await users.CheckPasswordAsync(fresh, TestUsers.Password)); // the old password still holds
            Assert.Equal(user.SecurityStamp, fresh.SecurityStamp);
        }
        await using (var db = new PortalDbContext(TestDatabase.Options(faulty.DataDirectory)))
            Assert.True(await db.ManagementTokens.AnyAsync(t => t.UserId == user.Id && t.RevokedAt == null, Ct)); // and so, consistently, does its token
    }

    private static async Task<IdentityResult> EnableTwoFactorAsync(UserManager<PortalUser> users, PortalUser user)
    {
        await users.ResetAuthenticatorKeyAsync(user);
        return await users.SetTwoFactorEnabledAsync(user, true);
    }

    [Fact]
    public void CookieSessionsAndCircuits_AreCheckedAgainstTheSecurityStampEveryMinute()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), app.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);
        using var scope = app.Services.CreateScope();
        Assert.IsType<SessionRevalidation>(scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>());
    }

    [Fact]
    public async Task LoginToken_CannotMintATokenThatOutlivesIt()
    {
        var user = await TestUsers.CreateAsync(app);
        var login = app.CreateClient();
        var issued = await (await login.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestUsers.Password }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        login.DefaultRequestHeaders.Authorization = new("Bearer", issued.GetProperty("token").GetString());
        var loginExpires = issued.GetProperty("expiresAt").GetDateTimeOffset();

        var permanent = await (await login.PostAsJsonAsync("/api/v1/me/tokens", new { name = "forever" }, Ct)).JsonAsync(HttpStatusCode.Created);
        // Stored times keep 0.1 ms on SQLite: compare to the millisecond.
        Assert.InRange(permanent.GetProperty("info").GetProperty("expiresAt").GetDateTimeOffset(), loginExpires.AddMilliseconds(-1), loginExpires.AddMilliseconds(1));
        var later = await (await login.PostAsJsonAsync("/api/v1/me/tokens", new { name = "next year", expiresAt = DateTimeOffset.UtcNow.AddYears(1) }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        Assert.InRange(later.GetProperty("info").GetProperty("expiresAt").GetDateTimeOffset(), loginExpires.AddMilliseconds(-1), loginExpires.AddMilliseconds(1));
    }
}
