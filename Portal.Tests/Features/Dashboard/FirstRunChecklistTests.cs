using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Organizations;
using Portal.Features.Audit;
using Portal.Features.Dashboard;
using Portal.Features.Organizations;
using Portal.Features.TokenIssuance;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Dashboard;

/// The dashboard's checklist reads each step from the data: from zero for a platform admin until the installation's
/// first token, per organization for its Owners and Admins until the organization's, never for an Auditor.
public sealed class FirstRunChecklistTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<ChecklistState?> StateAsync(PortalAppFactory app, bool platformAdmin, OrgCaller? caller)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<FirstRunChecklist>().GetAsync(platformAdmin, caller, Ct);
    }

    private static OrgCaller Caller(TokenProject project, string userId, OrganizationRole role) =>
        new(project.Org.Id, userId, role, false, AuditActor.System);

    [Fact]
    public async Task PlatformAdmin_SeesTheStepsFromZero_EachTickedByTheData_UntilTheInstallationsFirstToken()
    {
        await using var app = new PortalAppFactory();
        var empty = await StateAsync(app, platformAdmin: true, caller: null);
        Assert.NotNull(empty);
        Assert.True(empty.FromZero);
        Assert.False(empty.HasOrganization);
        Assert.False(empty.OrganizationsToJoin);
        Assert.Null(await StateAsync(app, platformAdmin: false, caller: null)); // nothing for someone in no organization

        var project = await TokenProject.CreateAsync(app); // organization, project, Active certificate; no key yet
        var owner = Caller(project, "owner", OrganizationRole.Owner);
        var halfway = await StateAsync(app, true, owner);
        Assert.Equal((true, true, project.ProjectId, true, false, false),
            (halfway!.FromZero, halfway.HasOrganization, halfway.Project?.Id, halfway.HasCertificate, halfway.HasSecretKey, halfway.HasToken));
        Assert.True((await StateAsync(app, true, null))!.OrganizationsToJoin);

        await project.KeyAsync(kind: "publishable");
        Assert.False((await StateAsync(app, true, owner))!.HasSecretKey); // the step asks for a secret key
        var (key, _) = await project.KeyAsync();
        Assert.True((await StateAsync(app, true, owner))!.HasSecretKey);

        (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "demo", uid = 42 }, Ct)).EnsureSuccessStatusCode();
        // Usage is flushed every 2 seconds; once it is in, neither checklist shows again.
        for (var i = 0; i < 50 && await StateAsync(app, true, owner) is not null; i++) await Task.Delay(200, Ct);
        Assert.Null(await StateAsync(app, true, owner));
        Assert.Null(await StateAsync(app, false, owner));
    }

    [Fact]
    public async Task OrganizationChecklist_IsForOwnersAndAdmins_UntilATestTokenOrAnApiToken_NotForAuditors()
    {
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        await project.KeyAsync();
        var admin = Caller(project, "admin", OrganizationRole.Admin);
        var state = await StateAsync(app, false, admin);
        Assert.NotNull(state);
        Assert.False(state.FromZero);
        Assert.False(state.HasToken);
        Assert.Null(await StateAsync(app, false, Caller(project, "auditor", OrganizationRole.Auditor)));

        // "Get a token now" counts: a test token is a token this organization issued (minted by its Owner, a real
        // member: the service checks the caller's membership).
        using (var scope = app.Services.CreateScope())
        {
            var owner = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Identity.PortalUser>>()
                .FindByEmailAsync(project.Org.OwnerEmail);
            var minted = await scope.ServiceProvider.GetRequiredService<TestTokens>().MintAsync(
                Caller(project, owner!.Id, OrganizationRole.Owner), project.ProjectId, new MintTestToken("rtc", "demo", 42, null, "publisher", null), Ct);
            Assert.True(minted.Ok, minted.Error?.Message);
        }
        Assert.Null(await StateAsync(app, false, admin));
        Assert.Null(await StateAsync(app, true, admin)); // and the installation's first token too
    }

    [Fact]
    public async Task AnotherOrganizationsToken_DoesNotTickThisOrganizationsChecklist()
    {
        await using var app = new PortalAppFactory();
        var admin = await ApiActors.PlatformAdminAsync(app);
        var busy = await TokenProject.CreateAsync(app, await ApiActors.OrganizationAsync(app, admin));
        var fresh = await TokenProject.CreateAsync(app, await ApiActors.OrganizationAsync(app, admin));
        var (key, _) = await busy.KeyAsync();
        (await busy.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "demo", uid = 42 }, Ct)).EnsureSuccessStatusCode();
        var busyOwner = Caller(busy, "o1", OrganizationRole.Owner);
        for (var i = 0; i < 50 && await StateAsync(app, false, busyOwner) is not null; i++) await Task.Delay(200, Ct);

        Assert.Null(await StateAsync(app, false, busyOwner));
        var other = await StateAsync(app, false, Caller(fresh, "o2", OrganizationRole.Owner));
        Assert.NotNull(other);
        Assert.Equal(fresh.ProjectId, other.Project?.Id);
        Assert.False(other.HasToken);
    }
}
