using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenIssuance;

/// Boundaries and garbage against the token API and the drop-in routes: every answer is a 4xx problem+json
/// with the right code, never a 5xx.
public sealed class BadInputCatalogueTests(BadInputCatalogueTests.Fixture fixture) : IClassFixture<BadInputCatalogueTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public PortalAppFactory App { get; } = new();
        public TokenProject Project { get; private set; } = null!;
        public string Key { get; private set; } = null!;
        public string PublishableKey { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Project = await TokenProject.CreateAsync(App);
            Key = (await Project.KeyAsync(rateLimit: 100_000)).Key;
            PublishableKey = (await Project.KeyAsync("publishable", rateLimit: 100_000)).Key;
        }

        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }

    private static readonly string Long64 = new('a', 64);
    private static readonly string Long63 = new('a', 63);

    public static TheoryData<string, string, int, string> RtcBodies => new()
    {
        // channel
        { "empty channel", """{"channel":"","uid":1}""", 400, "channel_empty" },
        { "missing channel", """{"uid":1}""", 400, "channel_empty" },
        { "64-byte channel", $$"""{"channel":"{{Long64}}","uid":1}""", 400, "channel_too_long" },
        { "slash in channel", """{"channel":"a/b","uid":1}""", 400, "channel_invalid_character" },
        { "quote in channel", """{"channel":"a\"b","uid":1}""", 400, "channel_invalid_character" },
        { "unicode channel", """{"channel":"café","uid":1}""", 400, "channel_invalid_character" },
        { "emoji channel", """{"channel":"room-😀","uid":1}""", 400, "channel_invalid_character" },
        { "newline channel", """{"channel":"a\nb","uid":1}""", 400, "channel_invalid_character" },
        { "null channel", """{"channel":null,"uid":1}""", 400, "channel_empty" },
        { "number channel", """{"channel":5,"uid":1}""", 400, "invalid_json" },
        // uid
        { "uid -1", """{"channel":"c","uid":-1}""", 400, "uid_out_of_range" },
        { "uid 2^32", """{"channel":"c","uid":4294967296}""", 400, "uid_out_of_range" },
        { "uid 0 (wildcard off)", """{"channel":"c","uid":0}""", 403, "uid_wildcard_not_allowed" },
        { "uid huge", """{"channel":"c","uid":99999999999999999999999}""", 400, "invalid_json" },
        { "uid text", """{"channel":"c","uid":"abc"}""", 400, "invalid_json" },
        { "uid fraction", """{"channel":"c","uid":1.5}""", 400, "invalid_json" },
        { "uid boolean", """{"channel":"c","uid":true}""", 400, "invalid_json" },
        { "uid and account", """{"channel":"c","uid":1,"account":"a"}""", 400, "uid_and_account" },
        { "empty account", """{"channel":"c","account":""}""", 400, "account_invalid" },
        { "256-char account", $$"""{"channel":"c","account":"{{new string('a', 256)}}"}""", 400, "account_invalid" },
        { "unicode account", """{"channel":"c","account":"ünï"}""", 400, "account_invalid" },
        // lifetimes
        { "expire -1", """{"channel":"c","uid":1,"expireSeconds":-1}""", 400, "expire_out_of_range" },
        { "expire 0", """{"channel":"c","uid":1,"expireSeconds":0}""", 400, "expire_out_of_range" },
        { "expire 59 (below min)", """{"channel":"c","uid":1,"expireSeconds":59}""", 400, "expire_below_policy" },
        { "expire 86401", """{"channel":"c","uid":1,"expireSeconds":86401}""", 400, "expire_exceeds_policy" },
        { "expire huge", """{"channel":"c","uid":1,"expireSeconds":9223372036854775807}""", 400, "expire_out_of_range" },
        { "expire beyond long", """{"channel":"c","uid":1,"expireSeconds":1e30}""", 400, "invalid_json" },
        { "expire text", """{"channel":"c","uid":1,"expireSeconds":"3600"}""", 400, "invalid_json" },
        { "privilege above expire", """{"channel":"c","uid":1,"expireSeconds":600,"privilegeExpireSeconds":601}""", 400, "privilege_expire_out_of_range" },
        { "privilege -1", """{"channel":"c","uid":1,"privilegeExpireSeconds":-1}""", 400, "privilege_expire_out_of_range" },
        { "per-privilege above expire", """{"channel":"c","uid":1,"expireSeconds":600,"privileges":{"join":700}}""", 400, "privilege_expire_out_of_range" },
        { "privileges and role", """{"channel":"c","uid":1,"role":"publisher","privileges":{"join":60}}""", 400, "privileges_conflict" },
        // role, format, rtm
        { "unknown role", """{"channel":"c","uid":1,"role":"admin"}""", 400, "role_invalid" },
        { "role number", """{"channel":"c","uid":1,"role":1}""", 400, "invalid_json" },
        { "unknown format", """{"channel":"c","uid":1,"format":"008"}""", 400, "format_invalid" },
        { "legacy off", """{"channel":"c","uid":1,"format":"006"}""", 403, "format_not_allowed" },
        { "bad rtm user", """{"channel":"c","uid":1,"rtmUserId":" lead"}""", 400, "rtm_user_invalid" },
        { "65-char rtm user", $$"""{"channel":"c","uid":1,"rtmUserId":"{{new string('r', 65)}}"}""", 400, "rtm_user_invalid" },
        // JSON shape
        { "not JSON", "hello", 400, "invalid_json" },
        { "truncated JSON", """{"channel":"c",""", 400, "invalid_json" },
        { "JSON array", "[1,2]", 400, "invalid_json" },
        { "JSON string", "\"c\"", 400, "invalid_json" },
        { "empty body", "", 400, "invalid_json" },
        { "privileges not object", """{"channel":"c","uid":1,"privileges":5}""", 400, "invalid_json" },
    };

    [Theory]
    [MemberData(nameof(RtcBodies))]
    public async Task RtcBody_IsRefusedWithItsCode(string why, string body, int status, string code)
    {
        var response = await fixture.Project.Client(fixture.Key).PostAsync("/api/v1/tokens/rtc", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == status, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task ChannelOf63Bytes_AndUidMax_AreAccepted()
    {
        var body = $$"""{"channel":"{{Long63}}","uid":4294967295}""";
        var response = await fixture.Project.Client(fixture.Key).PostAsync("/api/v1/tokens/rtc", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string, string, int, string> OtherRequests => new()
    {
        { "rtm without user", "/api/v1/tokens/rtm", """{}""", 400, "rtm_user_invalid" },
        { "rtm user with space first", "/api/v1/tokens/rtm", """{"userId":" x"}""", 400, "rtm_user_invalid" },
        { "rtm expire 0", "/api/v1/tokens/rtm", """{"userId":"u","expireSeconds":0}""", 400, "expire_out_of_range" },
        { "rtm format 007x", "/api/v1/tokens/rtm", """{"userId":"u","format":"7"}""", 400, "format_invalid" },
        { "chat expire 86401", "/api/v1/tokens/chat", """{"userId":"u","expireSeconds":86401}""", 400, "expire_exceeds_policy" },
        { "chat user number", "/api/v1/tokens/chat", """{"userId":5}""", 400, "invalid_json" },
        { "verify with number token", "/api/v1/tokens/verify", """{"token":5}""", 400, "invalid_json" },
        // The token exchange (its token refusals: ExchangeRefusalTests): without X-Portal-Project, with a bad body.
        { "exchange without project", "/api/v1/tokens/exchange", """{"service":"rtc","channel":"c"}""", 400, "project_missing" },
        { "exchange service number", "/api/v1/tokens/exchange", """{"service":5}""", 400, "invalid_json" },
        { "exchange on an unknown project", $"/api/v1/projects/{Guid.Empty}/tokens/exchange", """{"service":"rtc","channel":"c"}""", 404, "not_found" },
        { "exchange with an identity", $"/api/v1/projects/{Guid.Empty}/tokens/exchange", """{"service":"rtc","uid":1}""", 400, "identity_from_token" },
        { "exchange unknown service", $"/api/v1/projects/{Guid.Empty}/tokens/exchange", """{"service":"video"}""", 400, "service_invalid" },
    };

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public async Task OtherBodies_AreRefusedWithTheirCode(string why, string path, string body, int status, string code)
    {
        var response = await fixture.Project.Client(fixture.Key).PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == status, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task WrongContentType_Returns415_AndOversizedBody_Returns413()
    {
        var client = fixture.Project.Client(fixture.Key);
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/v1/tokens/rtc", new StringContent("channel=c", Encoding.UTF8, "application/x-www-form-urlencoded")),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var big = "{\"channel\":\"" + new string('a', 65 * 1024) + "\"}";
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/v1/tokens/rtc", new StringContent(big, Encoding.UTF8, "application/json")),
            HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    // Found by the hostile-input fuzz pass (Portal.Benchmarks/soak): an Origin with a non-ASCII or control character
    // was echoed into Access-Control-Allow-Origin, which Kestrel refuses to write: a 500 on the real server.
    [Theory]
    [InlineData("/api/v1/tokens/rtc", "https://exämple.test")]
    [InlineData("/api/v1/tokens/rtc", "\uFFFF")]
    [InlineData("/api/v1/tokens/rtc", "https://a.test\u0001")]
    public async Task UnwritableOrigin_IsNotEchoed(string path, string origin)
    {
        var client = fixture.Project.Client(fixture.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("""{"channel":"c","uid":1}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        var response = await client.SendAsync(request);
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.TryAddWithoutValidation("Origin", origin);
        var answer = await client.SendAsync(preflight);
        Assert.True((int)answer.StatusCode < 500, $"{(int)answer.StatusCode}");
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    // Found by the fuzz pass: with an Accept header that names no JSON type, the problem details service had no writer
    // and the error pages threw (500) instead of answering the refusal.
    [Theory]
    [InlineData("/api/v1/tokens/rtc", "{\"channel\":", HttpStatusCode.BadRequest)] // unreadable body: exception handler
    [InlineData("/api/v1/no-such-route", "{}", HttpStatusCode.MethodNotAllowed)] // status-code page (routing answers 405 to a POST here)
    public async Task ProblemIsWritten_WhateverTheAcceptHeader(string path, string body, HttpStatusCode status)
    {
        foreach (var accept in new[] { "text/html", "image/png", "application/xml" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Accept", accept);
            var response = await fixture.Project.Client(fixture.Key).SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"code\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task DuplicateJsonProperties_AreRefused()
    {
        var response = await fixture.Project.Client(fixture.Key).PostAsync("/api/v1/tokens/rtc",
            new StringContent("""{"channel":"a","channel":"b","uid":1}""", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_json");
    }

    public static TheoryData<string, string, int, string> CompatQueries => new()
    {
        { "uid -1", "access_token?channel=c&uid=-1", 400, "uid_out_of_range" },
        { "uid 2^32", "access_token?channel=c&uid=4294967296", 400, "uid_out_of_range" },
        { "uid text", "access_token?channel=c&uid=abc", 400, "uid_out_of_range" },
        { "expiredTs text", "access_token?channel=c&uid=1&expiredTs=soon", 400, "expire_out_of_range" },
        { "expiredTs past", "access_token?channel=c&uid=1&expiredTs=1500000000", 400, "expire_in_past" },
        { "expiredTs 86401", "access_token?channel=c&uid=1&expiredTs=86401", 400, "expire_exceeds_policy" },
        { "expiredTs -5", "access_token?channel=c&uid=1&expiredTs=-5", 400, "expire_out_of_range" },
        { "no channel", "access_token?uid=1", 400, "channel_empty" },
        { "64-byte channel", $"access_token?channel={Long64}&uid=1", 400, "channel_too_long" },
        { "bad role", "rtc/c/owner/uid/1", 400, "role_invalid" },
        { "bad token type", "rtc/c/publisher/email/1", 400, "token_type_invalid" },
        { "uid path text", "rtc/c/publisher/uid/x", 400, "uid_out_of_range" },
        { "rtm bad user", "rtm/%20x", 400, "rtm_user_invalid" },
        { "expiry 0", "rtc/c/publisher/uid/1?expiry=0", 400, "expire_out_of_range" },
        { "expiry text", "rtc/c/publisher/uid/1?expiry=ten", 400, "parameter_invalid" },
        { "rte bad role", "rte/c/owner/uid/1", 400, "role_invalid" },
        { "rte uid text", "rte/c/publisher/uid/x", 400, "uid_out_of_range" },
    };

    private const string GetTokenPath = "getToken";

    /// Routes that take no input worth a bad-input row (a fixed answer).
    private static readonly string[] NoInput = ["GET /api/v1/ping", "GET /compat/{projectId}/ping"];

    /// The catalogue is read against the token routes the app maps: a token or drop-in route without a bad-input row
    /// fails here.
    [Fact]
    public void EveryTokenRoute_HasRowsInTheCatalogue()
    {
        fixture.App.CreateClient();
        var routes = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/v1/tokens", StringComparison.Ordinal) || raw.StartsWith("/compat/", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m != "OPTIONS")
                .Select(m => (Method: m, Template: Regex.Replace(e.RoutePattern.RawText!, @"\{(\w+):[^}]+\}", "{$1}"))))
            .Where(r => !NoInput.Contains($"{r.Method} {r.Template}"))
            .ToList();
        var rows = new List<(string Method, string Path)> { ("POST", "/api/v1/tokens/rtc"), ("POST", $"/compat/{{projectId}}/{GetTokenPath}") };
        rows.AddRange(Rows(OtherRequests).Select(r => ("POST", (string)r[1]!)));
        rows.AddRange(Rows(CompatQueries).Select(r => ("GET", "/compat/{projectId}/" + ((string)r[1]!).Split('?')[0])));
        var uncovered = routes.Where(route => !rows.Any(row => row.Method == route.Method && Matches(route.Template, row.Path)))
            .Select(r => $"{r.Method} {r.Template}").Distinct().Order().ToList();
        Assert.True(routes.Count > 5, string.Join("\n", routes));
        Assert.True(uncovered.Count == 0, "token routes without a bad-input row:\n" + string.Join("\n", uncovered));
    }

    private static IEnumerable<object?[]> Rows(IEnumerable<ITheoryDataRow> data) => data.Select(r => r.GetData());

    private static bool Matches(string template, string path) =>
        path == template || Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(template), @"\\\{\w+}", "[^/]+") + "$");

    [Theory]
    [MemberData(nameof(CompatQueries))]
    public async Task CompatQuery_IsRefusedWithItsCode(string why, string path, int status, string code)
    {
        var client = fixture.Project.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", fixture.Key);
        var response = await client.GetAsync($"/compat/{fixture.Project.ProjectId}/{path}");
        Assert.True((int)response.StatusCode == status, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task CompatGetToken_WithBadBodies_IsRefused()
    {
        var client = fixture.Project.Client(fixture.Key);
        var root = $"/compat/{fixture.Project.ProjectId}/{GetTokenPath}";
        await ProblemAssert.IsProblemAsync(await client.PostAsync(root, new StringContent("""{"tokenType":"video"}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "token_type_invalid");
        await ProblemAssert.IsProblemAsync(await client.PostAsync(root, new StringContent("""{"tokenType":"rtc","channel":"c","uid":5}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid_json");
        await ProblemAssert.IsProblemAsync(await client.PostAsync(root, new StringContent("{", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid_json");
    }
}
