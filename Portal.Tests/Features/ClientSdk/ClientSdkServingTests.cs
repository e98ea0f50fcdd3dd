using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.ClientSdk;

/// How Portal serves the JavaScript kit: the module importable from customers' origins, the demo page with its own
/// content policy, and that policy kept off every other page.
public sealed class ClientSdkServingTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Module_IsServedAsJavaScript_ToAnyOrigin_WithoutSignIn()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/sdk/portal-token.js");
        request.Headers.Add("Origin", "https://customer.example");
        var response = await app.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("export function createTokenProvider", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DemoPage_IsPublic_AndOnlyItMayLoadAgorasSdk()
    {
        var client = app.CreateBrowserLikeClient();
        var demo = await client.GetAsync("/sdk/demo", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, demo.StatusCode);
        Assert.Equal("text/html", demo.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/sdk/demo/demo.js", await demo.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var demoPolicy = string.Join(";", demo.Headers.GetValues("Content-Security-Policy"));
        // Agora's download site, and still no inline script.
        Assert.Equal("script-src 'self' https://download.agora.io", demoPolicy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src")));

        var login = await client.GetAsync("/Identity/Account/Login", TestContext.Current.CancellationToken);
        var appPolicy = string.Join(";", login.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("agora.io", appPolicy);
        Assert.Contains("connect-src 'self';", appPolicy);
        Assert.False((await client.GetAsync("/sdk/portal-token.js", TestContext.Current.CancellationToken)).Headers.Contains("Set-Cookie"));
    }
}
