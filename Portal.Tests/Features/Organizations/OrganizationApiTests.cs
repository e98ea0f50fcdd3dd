using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Organizations;

public sealed class OrganizationApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task PlatformAdmin_CreatesOrganization_AndOwnerJoinsByInvitation()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin, "Acme Voice");

        var mine = await (await org.Owner.GetAsync("/api/v1/orgs", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        var only = Assert.Single(mine.EnumerateArray());
        Assert.Equal("Acme Voice", only.GetProperty("name").GetString());
        Assert.Equal("Owner", only.GetProperty("role").GetString());
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(org.OwnerEmail, Assert.Single(members.EnumerateArray()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task OrdinaryUser_CannotCreateOrganizations()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync("/api/v1/orgs", new { name = "x", slug = "x-" + Guid.NewGuid().ToString("N")[..8] },
            TestContext.Current.CancellationToken), HttpStatusCode.Forbidden, "platform_admin_required");
    }

    [Fact]
    public async Task DuplicateSlug_AndBadSlug_AreRefused()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var slug = "dup-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/v1/orgs", new { name = "A", slug }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/v1/orgs", new { name = "B", slug }, TestContext.Current.CancellationToken),
            HttpStatusCode.Conflict, "slug_taken");
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/v1/orgs", new { name = "C", slug = "Not A Slug!" }, TestContext.Current.CancellationToken),
            HttpStatusCode.BadRequest, "slug_invalid");
    }

    [Fact]
    public async Task Invitation_IsOneTime_AndExpiresAfter72Hours()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        var email = $"once-{Guid.NewGuid():N}@example.test";
        var invited = await (await org.Owner.PostAsJsonAsync($"{org.Path}/invitations", new { email, role = "Admin" },
            TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.Created);
        Assert.Contains("/invitations/accept?token=", invited.GetProperty("url").GetString());
        var expiresAt = invited.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange((expiresAt - DateTimeOffset.UtcNow).TotalHours, 71.9, 72.1);

        var anonymous = app.CreateClient();
        var body = new { token = invited.GetProperty("token").GetString(), password = TestUsers.Password };
        (await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", body, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", body, TestContext.Current.CancellationToken),
            HttpStatusCode.Conflict, "invitation_used");
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = "inv_nope", password = TestUsers.Password },
            TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "invitation_invalid");
    }

    [Fact]
    public async Task Invitation_WithShortPassword_IsRefusedAndStaysUsable()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        var invited = await (await org.Owner.PostAsJsonAsync($"{org.Path}/invitations", new { email = $"p-{Guid.NewGuid():N}@example.test", role = "Auditor" },
            TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.Created);
        var token = invited.GetProperty("token").GetString();
        var anonymous = app.CreateClient();
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = "short" },
            TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "password_invalid");
        (await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = TestUsers.Password }, TestContext.Current.CancellationToken))
            .EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task LastOwner_CannotBeDemotedOrRemoved_ButASecondOwnerMakesItPossible()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        var ownerMember = await OwnerMembershipAsync(org);

        await ProblemAssert.IsProblemAsync(await org.Owner.PatchAsJsonAsync($"{org.Path}/members/{ownerMember}", new { role = "Admin" },
            TestContext.Current.CancellationToken), HttpStatusCode.Conflict, "last_owner");
        await ProblemAssert.IsProblemAsync(await org.Owner.DeleteAsync($"{org.Path}/members/{ownerMember}", TestContext.Current.CancellationToken),
            HttpStatusCode.Conflict, "last_owner");

        await ApiActors.MemberAsync(app, org.Owner, org.Id, "Owner");
        var demoted = await (await org.Owner.PatchAsJsonAsync($"{org.Path}/members/{ownerMember}", new { role = "Admin" },
            TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Admin", demoted.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Admin_CannotInviteOrChangeRoles()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        var (orgAdmin, _) = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Admin");
        await ProblemAssert.IsProblemAsync(await orgAdmin.PostAsJsonAsync($"{org.Path}/invitations", new { email = "x@example.test", role = "Owner" },
            TestContext.Current.CancellationToken), HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await orgAdmin.PatchAsJsonAsync($"{org.Path}/members/{await OwnerMembershipAsync(org)}", new { role = "Auditor" },
            TestContext.Current.CancellationToken), HttpStatusCode.Forbidden, "role_forbidden");
    }

    [Fact]
    public async Task DisabledOrganization_RefusesItsMembers()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        (await admin.PatchAsJsonAsync(org.Path, new { isDisabled = true }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblemAsync(await org.Owner.GetAsync($"{org.Path}/projects", TestContext.Current.CancellationToken),
            HttpStatusCode.Forbidden, "organization_disabled");
        await ProblemAssert.IsProblemAsync(await org.Owner.PatchAsJsonAsync(org.Path, new { isDisabled = false }, TestContext.Current.CancellationToken),
            HttpStatusCode.Forbidden, "organization_disabled");
    }

    [Fact]
    public async Task RequireTwoFactor_RefusesMembersWithoutIt()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        (await org.Owner.PatchAsJsonAsync(org.Path, new { requireTwoFactor = true }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblemAsync(await org.Owner.GetAsync($"{org.Path}/projects", TestContext.Current.CancellationToken),
            HttpStatusCode.Forbidden, "two_factor_required");
    }

    private async Task<Guid> OwnerMembershipAsync(TestOrg org)
    {
        var members = await (await org.Owner.GetAsync($"{org.Path}/members")).JsonAsync(HttpStatusCode.OK);
        return members.EnumerateArray().First(m => m.GetProperty("email").GetString() == org.OwnerEmail).GetProperty("id").GetGuid();
    }
}
