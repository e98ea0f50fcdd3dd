using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// Agora's REST base URL is a setting, so a mistyped or hostile one could point Portal's Basic-auth calls (the Customer
/// Secret in the header) at this machine's own network. Without `Portal:Agora:AllowPrivateNetworks` such a call is
/// refused before it connects: the fake Agora on loopback never sees it, and the admin reads why.
public sealed class AgoraOutboundTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RestBaseOnLoopback_IsRefused_WithoutTheAllowance_AndNeverReached()
    {
        await using var agora = await FakeAgora.StartAsync(Ct);
        await using var app = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:Jobs:RunServer"] = "false",
            ["Portal:Agora:RestBaseUrl"] = agora.Url, // loopback, and AllowPrivateNetworks left at its default (off)
            ["Portal:Agora:TimeoutSeconds"] = "2",
        });
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var id = await AgoraOpsHelpers.AddAccountAsync(org, agora.CustomerId, agora.CustomerSecret);

        var answer = await (await org.Owner.PostAsync($"{org.Path}/agora-accounts/{id}/test", null, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Contains("private or loopback address", answer.GetProperty("message").GetString());
        Assert.Empty(agora.Requests);
        Assert.DoesNotContain(agora.CustomerSecret, answer.ToString());
    }
}
