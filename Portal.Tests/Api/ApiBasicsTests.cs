using System.Net;
using System.Text;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

public sealed class ApiBasicsTests : IClassFixture<PortalAppFactory>
{
    private readonly PortalAppFactory _app;
    public ApiBasicsTests(PortalAppFactory app) => _app = app;

    [Fact]
    public async Task UnknownApiRoute_Returns404Problem()
    {
        await ProblemAssert.IsProblemAsync(await _app.CreateClient().GetAsync("/api/v1/nothing-here", TestContext.Current.CancellationToken),
            HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task MeWithoutToken_Returns401Problem()
    {
        await ProblemAssert.IsProblemAsync(await _app.CreateClient().GetAsync("/api/v1/me", TestContext.Current.CancellationToken),
            HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task BodyOver64KiB_Returns413Problem()
    {
        var body = new StringContent("{\"email\":\"" + new string('a', 70_000) + "\"}", Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblemAsync(await _app.CreateClient().PostAsync("/api/v1/auth/token", body, TestContext.Current.CancellationToken),
            HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task MalformedJson_Returns400Problem()
    {
        var body = new StringContent("{\"email\": ", Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblemAsync(await _app.CreateClient().PostAsync("/api/v1/auth/token", body, TestContext.Current.CancellationToken),
            HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task Healthz_And_Readyz_AreOk()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        var ready = await client.GetStringAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.Contains("\"database\":{\"status\":\"ok\"", ready);
        Assert.Contains("\"jobs\":{\"status\":\"ok\"", ready);
    }

    [Fact]
    public async Task OpenApiDocument_AndApiReference_AreServed()
    {
        var client = _app.CreateClient();
        var doc = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Contains("/api/v1/auth/token", doc);
        Assert.Contains("/api/v1/me", doc);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/docs", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Pages_CarrySecurityHeaders()
    {
        var response = await _app.CreateBrowserLikeClient().GetAsync("/Identity/Account/Login", TestContext.Current.CancellationToken);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Single(response.Headers.GetValues("Referrer-Policy"));
    }

    [Theory]
    [InlineData("/Identity/Account/Login")]
    [InlineData("/Identity/Account/ForgotPassword")]
    public async Task AccountPages_LoadOnlyScriptsTheirPolicyAllows(string path)
    {
        // script-src 'self': a script from a CDN or inline is blocked by the browser (the Identity UI's own validation
        // partial did both outside Development), so every script is a same-origin file that is served.
        var client = _app.CreateBrowserLikeClient();
        var ct = TestContext.Current.CancellationToken;
        var html = await client.GetStringAsync(path, ct);
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script(?<attributes>[^>]*)>(?<body>.*?)</script>",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Contains(scripts, s => s.Groups["attributes"].Value.Contains("jquery.validate"));
        foreach (System.Text.RegularExpressions.Match script in scripts)
        {
            Assert.True(string.IsNullOrWhiteSpace(script.Groups["body"].Value), $"inline script on {path}: {script.Value}");
            var src = System.Text.RegularExpressions.Regex.Match(script.Groups["attributes"].Value, "src=\"(?<url>[^\"]+)\"").Groups["url"].Value;
            Assert.StartsWith("/", src);
            Assert.False(src.StartsWith("//", StringComparison.Ordinal), src);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(src, ct)).StatusCode);
        }
    }
}
