using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Issue 14, items 4 and 5: an invitation is not a password oracle, and it can be withdrawn.
public sealed class InvitationAcceptTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TestOrg Org, string Token, PortalUser Existing)> InviteExistingAsync()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var existing = await TestUsers.CreateAsync(app);
        var invited = await (await org.Owner.PostAsJsonAsync($"{org.Path}/invitations", new { email = existing.Email, role = "Admin" }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        return (org, invited.GetProperty("token").GetString()!, existing);
    }

    [Fact]
    public async Task ExistingAccount_AcceptWithoutSigningIn_IsRefused_WhateverThePassword_AndNoPasswordIsTried()
    {
        var (_, token, existing) = await InviteExistingAsync();
        var anonymous = app.CreateClient();

        // Six guesses and the right password answer alike: nothing is checked, so nothing can be learnt.
        foreach (var password in Enumerable.Range(0, 6).Select(i => $"guess number {i}").Append(TestUsers.Password))
            await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password }, Ct),
                HttpStatusCode.Unauthorized, "sign_in_required");

        using var scope = app.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(existing.Id);
        Assert.Equal(0, stored!.AccessFailedCount);
        // The invitation is still usable by its invitee.
        var invitee = await ApiActors.ClientForAsync(app, existing.Email!);
        await (await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Ct)).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ExistingAccount_SignInThatComesFirst_ObeysLockoutAndTheAddressThrottle()
    {
        // The only password check on the way to an existing account's invitation is the sign-in, with its rules.
        await using var throttled = new PortalAppFactory(settings: new Dictionary<string, string?> { ["Portal:Security:LoginFailuresPerAddress"] = "20" });
        var user = await TestUsers.CreateAsync(throttled);
        var client = throttled.CreateClient();
        for (var i = 0; i < 6; i++)
            await client.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = $"wrong {i}" }, Ct);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestUsers.Password }, Ct),
            HttpStatusCode.Forbidden, "account_locked");
        for (var i = 0; i < 20; i++)
            await client.PostAsJsonAsync("/api/v1/auth/token", new { email = $"nobody{i}@example.test", password = "wrong" }, Ct);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestUsers.Password }, Ct),
            HttpStatusCode.TooManyRequests, "too_many_login_attempts");
    }

    [Fact]
    public async Task ExistingAccount_AcceptSignedInAsItself_Joins_AsSomeoneElse_IsRefused()
    {
        var (org, token, existing) = await InviteExistingAsync();
        var stranger = await ApiActors.ClientForAsync(app, (await TestUsers.CreateAsync(app)).Email!);
        await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Ct),
            HttpStatusCode.Forbidden, "invitation_other_account");

        var invitee = await ApiActors.ClientForAsync(app, existing.Email!);
        var accepted = await (await invitee.PostAsJsonAsync("/api/v1/invitations/accept", new { token }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.False(accepted.GetProperty("createdAccount").GetBoolean());
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(members.EnumerateArray(), m => m.GetProperty("email").GetString() == existing.Email && m.GetProperty("role").GetString() == "Admin");
    }

    [Fact]
    public async Task RevokedInvitation_IsRefusedInvitationInvalid_AndTheRevocationIsAudited()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var invited = await (await org.Owner.PostAsJsonAsync($"{org.Path}/invitations", new { email = $"new-{Guid.NewGuid():N}@example.test", role = "Auditor" }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        var (id, token) = (invited.GetProperty("id").GetGuid(), invited.GetProperty("token").GetString());

        var auditor = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.Client.DeleteAsync($"{org.Path}/invitations/{id}", Ct)).StatusCode);
        var stranger = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        await ProblemAssert.IsProblemAsync(await stranger.Owner.DeleteAsync($"{org.Path}/invitations/{id}", Ct), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await stranger.Owner.DeleteAsync($"{stranger.Path}/invitations/{id}", Ct), HttpStatusCode.NotFound, "not_found");

        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync($"{org.Path}/invitations/{id}", Ct)).StatusCode);
        await ProblemAssert.IsProblemAsync(await app.CreateClient().PostAsJsonAsync("/api/v1/invitations/accept",
            new { token, password = TestUsers.Password }, Ct), HttpStatusCode.BadRequest, "invitation_invalid");
        var listed = await (await org.Owner.GetAsync($"{org.Path}/invitations", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.NotNull(listed.EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("revokedAt").GetString());
        Assert.Contains(await EventsAsync(org.Id), e => e.Type == AuditEventType.InvitationRevoked && e.TargetId == id.ToString());
    }

    [Fact]
    public async Task RemovedMember_TakesTheirPendingInvitationsWithThem()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var second = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Owner");
        var invited = await (await second.Client.PostAsJsonAsync($"{org.Path}/invitations", new { email = $"friend-{Guid.NewGuid():N}@example.test", role = "Owner" }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        var membership = members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == second.Email).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync($"{org.Path}/members/{membership}", Ct)).StatusCode);

        await ProblemAssert.IsProblemAsync(await app.CreateClient().PostAsJsonAsync("/api/v1/invitations/accept",
            new { token = invited.GetProperty("token").GetString(), password = TestUsers.Password }, Ct), HttpStatusCode.BadRequest, "invitation_invalid");
        var revoked = (await EventsAsync(org.Id)).Single(e => e.Type == AuditEventType.InvitationRevoked);
        Assert.Equal("inviter_removed", JsonDocument.Parse(revoked.Details).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task DemotedOwner_CannotUseTheInvitationsTheySent()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var second = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Owner");
        var invited = await (await second.Client.PostAsJsonAsync($"{org.Path}/invitations", new { email = $"alt-{Guid.NewGuid():N}@example.test", role = "Owner" }, Ct))
            .JsonAsync(HttpStatusCode.Created);
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        var membership = members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == second.Email).GetProperty("id").GetGuid();

        (await org.Owner.PatchAsJsonAsync($"{org.Path}/members/{membership}", new { role = "Auditor" }, Ct)).EnsureSuccessStatusCode();

        await ProblemAssert.IsProblemAsync(await app.CreateClient().PostAsJsonAsync("/api/v1/invitations/accept",
            new { token = invited.GetProperty("token").GetString(), password = TestUsers.Password }, Ct), HttpStatusCode.BadRequest, "invitation_invalid");
        var revoked = (await EventsAsync(org.Id)).Single(e => e.Type == AuditEventType.InvitationRevoked);
        Assert.Equal("inviter_demoted", JsonDocument.Parse(revoked.Details).RootElement.GetProperty("reason").GetString());
    }

    private async Task<List<AuditEvent>> EventsAsync(Guid orgId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == orgId).ToListAsync(Ct);
    }
}
