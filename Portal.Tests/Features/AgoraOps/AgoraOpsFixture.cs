using Microsoft.Extensions.Time.Testing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// A fake Agora on loopback and a Portal pointed at it (loopback allowed through the outbound setting), with
/// Hangfire's server off and a fake clock, so each test runs retries itself.
public sealed class AgoraOpsFixture : IAsyncLifetime
{
    public FakeAgora Agora { get; private set; } = null!;
    public PortalAppFactory App { get; private set; } = null!;
    public FakeTimeProvider Clock => App.Clock!;

    public async ValueTask InitializeAsync()
    {
        Agora = await FakeAgora.StartAsync(CancellationToken.None);
        App = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:Jobs:RunServer"] = "false",
            ["Portal:Agora:RestBaseUrl"] = Agora.Url,
            ["Portal:Agora:AllowPrivateNetworks"] = "true", // the fake listens on loopback
            ["Portal:Agora:TimeoutSeconds"] = "2",
        }, clock: TestClock.Create());
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Agora.DisposeAsync();
    }
}
