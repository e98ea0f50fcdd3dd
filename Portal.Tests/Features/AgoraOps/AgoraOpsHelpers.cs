using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// An organization with a project linked to an Agora account holding the fake's credentials.
public sealed record LinkedProject(TestOrg Org, Guid ProjectId, string AppId, Guid AccountId)
{
    public string Bans => $"{Org.Path}/projects/{ProjectId}/bans";
}

public static class AgoraOpsHelpers
{
    public static async Task<Guid> AddAccountAsync(TestOrg org, string customerId, string secret, string name = "main")
    {
        var added = await (await org.Owner.PostAsJsonAsync($"{org.Path}/agora-accounts", new { name, customerId, customerSecret = secret }))
            .JsonAsync(HttpStatusCode.Created);
        return added.GetProperty("id").GetGuid();
    }

    public static async Task<LinkedProject> LinkedProjectAsync(AgoraOpsFixture f)
    {
        f.Agora.Failures.Clear(); // a failed test may leave failures it queued
        var org = await ApiActors.OrganizationAsync(f.App, await ApiActors.PlatformAdminAsync(f.App));
        var appId = ApiActors.NewAppId();
        f.Agora.AppIds.Add(appId);
        var project = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Live", appId })).JsonAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var account = await AddAccountAsync(org, f.Agora.CustomerId, f.Agora.CustomerSecret);
        var link = await (await org.Owner.PutAsJsonAsync($"{org.Path}/projects/{project}/agora-account", new { agoraAccountId = account }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(account, link.GetProperty("agoraAccountId").GetGuid());
        return new LinkedProject(org, project, appId, account);
    }
}
