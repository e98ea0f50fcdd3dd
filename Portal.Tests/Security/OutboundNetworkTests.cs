using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portal.Features.Notifications;
using Portal.Security.Outbound;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Issue 14, item 10: webhooks never reach this machine's own network by surprise, and tenants learn only the outcome.
public sealed class OutboundNetworkTests(OutboundNetworkTests.Factory app) : IClassFixture<OutboundNetworkTests.Factory>
{
    /// Names ending in .rebind.test resolve to loopback, as a name an attacker controls could right after it was saved.
    public sealed class LoopbackResolver : IOutboundResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
            Task.FromResult(host.EndsWith(".rebind.test", StringComparison.Ordinal) ? [IPAddress.Loopback] : Array.Empty<IPAddress>());
    }

    /// The production rule (no private networks); Hangfire's server is off so the test runs each attempt.
    public sealed class Factory() : PortalAppFactory(settings: new Dictionary<string, string?> { ["Portal:Jobs:RunServer"] = "false" })
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Logging:LogLevel:Portal", "Information");
            builder.ConfigureLogging(l => l.AddProvider(Logs));
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IOutboundResolver, LoopbackResolver>()));
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://127.1.2.3:8443/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://192.168.1.20/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://admin.localhost/hook")]
    public async Task WebhookUrl_OnAPrivateOrLoopbackAddress_IsRefusedWhenSaved(string url)
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        await ProblemAssert.IsProblemAsync(await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = url }, Ct),
            HttpStatusCode.BadRequest, "webhook_url_invalid");
    }

    [Fact]
    public async Task WebhookName_ThatResolvesToLoopback_IsRefusedAtDelivery_AndTheTenantSeesOnlyTheOutcome()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Ct);
        var port = new Uri(receiver.Url).Port;
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        // The name is public-looking when saved; what it resolves to is checked at every connection.
        (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = $"https://hooks.rebind.test:{port}/hook" }, Ct)).EnsureSuccessStatusCode();
        (await org.Owner.PostAsync($"{org.Path}/notifications/test", null, Ct)).EnsureSuccessStatusCode();
        var delivery = (await (await org.Owner.GetAsync($"{org.Path}/notifications/deliveries", Ct)).JsonAsync(HttpStatusCode.OK))[0];

        await app.Services.GetRequiredService<NotificationDeliveryJob>().DeliverAsync(delivery.GetProperty("id").GetGuid(), Ct);

        Assert.Empty(receiver.Requests);
        // Refused by the address rule before any connection was made (not by the TLS handshake with a plain receiver).
        Assert.Contains(app.Logs.Lines, l => l.Contains("delivery error: address not allowed"));
        var after = (await (await org.Owner.GetAsync($"{org.Path}/notifications/deliveries", Ct)).JsonAsync(HttpStatusCode.OK))[0];
        var error = after.GetProperty("lastError").GetString()!;
        Assert.StartsWith("failed: refused", error);
        Assert.DoesNotContain("127.0.0.1", error);
        Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error);
        Assert.DoesNotContain("Exception", error);
    }

    [Fact]
    public async Task Auditor_SeesTheWebhooksHost_NotItsUrl()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "https://hooks.example.com/portal?token=receiver-secret" }, Ct))
            .EnsureSuccessStatusCode();
        var auditor = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");
        var seen = await (await auditor.Client.GetAsync($"{org.Path}/notifications", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("receiver-secret", seen.ToString());
        Assert.Equal("hooks.example.com", seen.GetProperty("webhookHost").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("webhookUrl").ValueKind);
        var owner = await (await org.Owner.GetAsync($"{org.Path}/notifications", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains("receiver-secret", owner.GetProperty("webhookUrl").GetString());
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::a00:1", false)]
    [InlineData("::808:808", false)]
    [InlineData("2002:a00:1::", false)]
    [InlineData("2001:0:4136:e378::1", false)]
    [InlineData("64:ff9b:1::1", false)]
    [InlineData("64:ff9b::808:808", true)]
    public void OnlyPublicUnicastAddresses_AreCalled(string address, bool isPublic) =>
        Assert.Equal(isPublic, OutboundAddresses.IsPublic(IPAddress.Parse(address)));
}
