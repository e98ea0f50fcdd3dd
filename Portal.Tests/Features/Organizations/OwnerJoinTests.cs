using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Identity;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Organizations;

/// Issue 19: the creator of an organization becomes its Owner, and platform admins may join one as Owner; both are
/// audited in the organization's own log and visible to its Owners.
public sealed class OwnerJoinTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpClient Client, PortalUser User)> NewPlatformAdminAsync()
    {
        var user = await TestUsers.CreateAsync(app, role: PortalRoles.PlatformAdmin);
        return (await ApiActors.ClientForAsync(app, user.Email!), user);
    }

    private static async Task<JsonElement> CreateAsync(HttpClient admin, object body) =>
        await (await admin.PostAsJsonAsync("/api/v1/orgs", body, Ct)).JsonAsync(HttpStatusCode.Created);

    private static string Slug() => "org-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<JsonElement[]> AuditAsync(HttpClient client, Guid orgId, string type) =>
        (await (await client.GetAsync($"/api/v1/orgs/{orgId}/audit?type={type}", Ct)).JsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToArray();

    [Fact]
    public async Task CreateOrganization_ByAdminOfNoOrganization_MakesThemOwner_AndAuditsTheMembership()
    {
        var (admin, user) = await NewPlatformAdminAsync();
        var org = await CreateAsync(admin, new { name = "Solo team", slug = Slug() });
        Assert.Equal("Owner", org.GetProperty("role").GetString());
        var orgId = org.GetProperty("id").GetGuid();

        // A member now: projects can be created at once (before issue 19 this was 404 for the creator).
        (await admin.PostAsJsonAsync($"/api/v1/orgs/{orgId}/projects", new { name = "First", appId = ApiActors.NewAppId() }, Ct))
            .EnsureSuccessStatusCode();
        var members = await (await admin.GetAsync($"/api/v1/orgs/{orgId}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        var me = Assert.Single(members.EnumerateArray());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Equal("Owner", me.GetProperty("role").GetString());

        var joined = Assert.Single(await AuditAsync(admin, orgId, "MemberJoinedAsOwner"));
        Assert.Equal(1303, joined.GetProperty("typeCode").GetInt32());
        Assert.Equal("members", joined.GetProperty("area").GetString());
        Assert.Equal(user.Id, joined.GetProperty("target").GetProperty("id").GetString());
        Assert.Equal(OwnerJoin.ViaCreation, joined.GetProperty("details").GetProperty("via").GetString());
        Assert.Equal(user.Id, joined.GetProperty("actor").GetProperty("id").GetString());
        // The membership and the creation are one audited save, in that order.
        var created = Assert.Single(await AuditAsync(admin, orgId, "OrganizationCreated"));
        Assert.Equal(created.GetProperty("sequence").GetInt64() + 1, joined.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task CreateOrganization_ByAdminWhoIsAlreadyAMember_JoinsOnlyWhenAsked()
    {
        var (admin, _) = await NewPlatformAdminAsync();
        await CreateAsync(admin, new { name = "First", slug = Slug() });

        var second = await CreateAsync(admin, new { name = "Customer", slug = Slug() });
        Assert.Equal(JsonValueKind.Null, second.GetProperty("role").ValueKind);
        // Not a member: the member-only routes do not know the admin there.
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/v1/orgs/{second.GetProperty("id").GetGuid()}/members", Ct),
            HttpStatusCode.NotFound, "not_found");

        var third = await CreateAsync(admin, new { name = "Mine too", slug = Slug(), joinAsOwner = true });
        Assert.Equal("Owner", third.GetProperty("role").GetString());
        var members = await (await admin.GetAsync($"/api/v1/orgs/{third.GetProperty("id").GetGuid()}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Owner", Assert.Single(members.EnumerateArray()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task CreateOrganization_WithJoinAsOwnerFalse_LeavesTheCreatorOutside_AndWritesNoMembershipEvent()
    {
        var (admin, _) = await NewPlatformAdminAsync();
        var org = await CreateAsync(admin, new { name = "For a customer", slug = Slug(), joinAsOwner = false });
        var orgId = org.GetProperty("id").GetGuid();
        Assert.Equal(JsonValueKind.Null, org.GetProperty("role").ValueKind);
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync($"/api/v1/orgs/{orgId}/projects", new { name = "x", appId = ApiActors.NewAppId() }, Ct),
            HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await AuditAsync(admin, orgId, "MemberJoinedAsOwner"));
    }

    [Fact]
    public async Task CreateOrganization_ThroughTheService_RefusesACallerWhoIsNotPlatformAdmin()
    {
        using var scope = app.Services.CreateScope();
        var user = await TestUsers.CreateAsync(app);
        var result = await scope.ServiceProvider.GetRequiredService<OrganizationService>()
            .CreateAsync(new PlatformCaller(user.Id, false, AuditActor.System), new CreateOrganization("Nope", Slug(), true), Ct);
        Assert.Equal("platform_admin_required", result.Error?.Code);
        Assert.Equal(403, result.Error?.Status);
    }

    [Fact]
    public async Task JoinAsOwner_ByPlatformAdmin_AddsThemAsOwner_WhichTheOwnersSeeInMembersAndTheirAuditLog()
    {
        var (admin, user) = await NewPlatformAdminAsync();
        var org = await ApiActors.OrganizationAsync(app, admin); // the admin stays outside; an invited Owner runs it

        var joined = await (await admin.PostAsync($"{org.Path}/join", null, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Owner", joined.GetProperty("role").GetString());
        Assert.Equal(user.Email, joined.GetProperty("email").GetString());

        var members = await (await org.Owner.GetAsync($"{org.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(members.EnumerateArray(), m => m.GetProperty("email").GetString() == user.Email && m.GetProperty("role").GetString() == "Owner");
        var audited = Assert.Single(await AuditAsync(org.Owner, org.Id, "MemberJoinedAsOwner"));
        Assert.Equal(OwnerJoin.ViaJoin, audited.GetProperty("details").GetProperty("via").GetString());
        Assert.Equal(user.Email, audited.GetProperty("details").GetProperty("email").GetString());

        // Joined once: a second join is a conflict, not a second membership.
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"{org.Path}/join", null, Ct), HttpStatusCode.Conflict, "already_member");
    }

    [Fact]
    public async Task JoinAsOwner_ByAMemberWhoIsNotPlatformAdmin_IsRefused_OwnerAndAuditorAlike()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var org = await ApiActors.OrganizationAsync(app, admin);
        var auditor = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");

        await ProblemAssert.IsProblemAsync(await auditor.Client.PostAsync($"{org.Path}/join", null, Ct), HttpStatusCode.Forbidden, "platform_admin_required");
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsync($"{org.Path}/join", null, Ct), HttpStatusCode.Forbidden, "platform_admin_required");
        var members = await (await org.Owner.GetAsync($"{org.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Auditor", members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == auditor.Email).GetProperty("role").GetString());
    }

    [Fact]
    public async Task JoinAsOwner_OfAnotherOrganization_IsNotFound_ForItsStrangers_AndForAnUnknownId()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var mine = await ApiActors.OrganizationAsync(app, admin);
        var theirs = await ApiActors.OrganizationAsync(app, admin);

        await ProblemAssert.IsProblemAsync(await mine.Owner.PostAsync($"{theirs.Path}/join", null, Ct), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/v1/orgs/{Guid.NewGuid()}/join", null, Ct), HttpStatusCode.NotFound, "not_found");
        var members = await (await theirs.Owner.GetAsync($"{theirs.Path}/members", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Single(members.EnumerateArray());
        // The probe is in the victim's log, as for every other route of the organization.
        Assert.NotEmpty(await AuditAsync(theirs.Owner, theirs.Id, "CrossOrganizationAccessRefused"));
    }
}
