using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Projects;

public sealed class ProjectApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private async Task<TestOrg> OrgAsync() => await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));

    [Fact]
    public async Task CreateProject_ValidatesNameAndAppId_AndRefusesDuplicateAppId()
    {
        var org = await OrgAsync();
        var appId = ApiActors.NewAppId();
        var created = await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Voice", appId }, TestContext.Current.CancellationToken))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Active", created.GetProperty("status").GetString());
        Assert.Equal(JsonValueKindNull, created.GetProperty("activeCertificateFingerprint").ValueKind);

        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Again", appId }, TestContext.Current.CancellationToken),
            HttpStatusCode.Conflict, "app_id_taken");
        var bad = await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Bad", appId = "xyz" },
            TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "app_id_invalid");
        Assert.Equal("appId", bad.GetProperty("field").GetString());
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "", appId = ApiActors.NewAppId() },
            TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "name_invalid");
    }

    [Fact]
    public async Task SameAppId_InAnotherOrganization_IsAllowed()
    {
        var appId = ApiActors.NewAppId();
        var a = await OrgAsync();
        var b = await OrgAsync();
        (await a.Owner.PostAsJsonAsync($"{a.Path}/projects", new { name = "A", appId }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await b.Owner.PostAsJsonAsync($"{b.Path}/projects", new { name = "B", appId }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task ListProjects_PagesSortsAndSearchesOnTheServer()
    {
        var org = await OrgAsync();
        for (var i = 0; i < 12; i++)
            (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = $"p{i:D2}", appId = ApiActors.NewAppId() }, TestContext.Current.CancellationToken))
                .EnsureSuccessStatusCode();

        var page2 = await (await org.Owner.GetAsync($"{org.Path}/projects?page=2&pageSize=5&sort=Name", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(12, page2.GetProperty("total").GetInt32());
        Assert.Equal(["p05", "p06", "p07", "p08", "p09"], page2.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var desc = await (await org.Owner.GetAsync($"{org.Path}/projects?pageSize=2&sort=Name&descending=true", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("p11", desc.GetProperty("items")[0].GetProperty("name").GetString());
        var search = await (await org.Owner.GetAsync($"{org.Path}/projects?search=p1", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, search.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task UpdateAndDelete_FollowRoles()
    {
        var org = await OrgAsync();
        var (admin, _) = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Admin");
        var (auditor, _) = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");
        var project = await (await admin.PostAsJsonAsync($"{org.Path}/projects", new { name = "Voice", appId = ApiActors.NewAppId() }, TestContext.Current.CancellationToken))
            .JsonAsync(HttpStatusCode.Created);
        var path = $"{org.Path}/projects/{project.GetProperty("id").GetGuid()}";

        var renamed = await (await admin.PatchAsJsonAsync(path, new { name = "Voice EU", status = "Disabled" }, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Voice EU", renamed.GetProperty("name").GetString());
        Assert.Equal("Disabled", renamed.GetProperty("status").GetString());

        await ProblemAssert.IsProblemAsync(await auditor.PatchAsJsonAsync(path, new { name = "hijack" }, TestContext.Current.CancellationToken), HttpStatusCode.Forbidden, "role_forbidden");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode);
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync(path, TestContext.Current.CancellationToken), HttpStatusCode.Forbidden, "role_forbidden");
        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync(path, TestContext.Current.CancellationToken)).StatusCode);
        await ProblemAssert.IsProblemAsync(await org.Owner.GetAsync(path, TestContext.Current.CancellationToken), HttpStatusCode.NotFound, "not_found");
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
