using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.ApiKeys;

/// Issue 19: secret keys up to 10,000,000 requests a minute or unlimited (shown and audited as such); publishable keys
/// keep their 100,000 cap.
public sealed class KeyRateLimitTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> CreateAsync(TokenProject project, string kind, object? rate) =>
        project.Org.Owner.PostAsJsonAsync($"{project.Path}/api-keys", new { name = "big app", kind, scopes = new[] { "rtc" }, rateLimitPerMinute = rate }, Ct);

    [Fact]
    public async Task SecretKey_TakesTenMillionAMinute_OrUnlimited_ShownAsUnlimitedInTheApi()
    {
        var project = await TokenProject.CreateAsync(app);
        var big = await (await CreateAsync(project, "secret", 10_000_000)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(10_000_000, big.GetProperty("info").GetProperty("rateLimitPerMinute").GetInt32());

        var unlimited = await (await CreateAsync(project, "secret", "unlimited")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("unlimited", unlimited.GetProperty("info").GetProperty("rateLimitPerMinute").GetString());
        var id = unlimited.GetProperty("info").GetProperty("id").GetGuid();
        var list = await (await project.Org.Owner.GetAsync($"{project.Path}/api-keys", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("unlimited", list.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == id).GetProperty("rateLimitPerMinute").GetString());
        // Left out, a key gets the default.
        var plain = await (await CreateAsync(project, "secret", null)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(600, plain.GetProperty("info").GetProperty("rateLimitPerMinute").GetInt32());
    }

    [Fact]
    public async Task UnlimitedKey_IsAudited_AsUnlimited()
    {
        var project = await TokenProject.CreateAsync(app);
        var created = await (await CreateAsync(project, "secret", "unlimited")).JsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("info").GetProperty("id").GetString();
        var events = (await (await project.Org.Owner.GetAsync($"{project.Org.Path}/audit?type=ApiKeyCreated", Ct)).JsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray();
        var audited = events.Single(e => e.GetProperty("target").GetProperty("id").GetString() == id);
        Assert.Equal("unlimited", audited.GetProperty("details").GetProperty("rateLimitPerMinute").GetString());
    }

    [Fact]
    public async Task LimitsOutsideTheRange_AreRefusedNextToTheField()
    {
        var project = await TokenProject.CreateAsync(app);
        var cases = new (string Kind, object Rate, string Code)[]
        {
            ("secret", 10_000_001, "rate_limit_invalid"), ("secret", 0, "rate_limit_invalid"), ("secret", -5, "rate_limit_invalid"),
            ("secret", "lots", "rate_limit_invalid"), ("secret", 1.5, "rate_limit_invalid"),
            ("publishable", 100_001, "rate_limit_invalid"), ("publishable", "unlimited", "rate_limit_unlimited_not_allowed"),
        };
        foreach (var (kind, rate, code) in cases)
        {
            var problem = await ProblemAssert.IsProblemAsync(await CreateAsync(project, kind, rate), HttpStatusCode.BadRequest, code);
            Assert.Equal("rateLimitPerMinute", problem.GetProperty("field").GetString());
        }
        var publishable = await (await CreateAsync(project, "publishable", 100_000)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(100_000, publishable.GetProperty("info").GetProperty("rateLimitPerMinute").GetInt32());
    }

    [Fact]
    public async Task UnlimitedKey_IsNeverRateLimited_WhileALimitedKeyIs()
    {
        var project = await TokenProject.CreateAsync(app);
        var unlimited = project.Client((await project.KeyAsync(rateLimit: "unlimited")).Key);
        var limited = project.Client((await project.KeyAsync(rateLimit: 5)).Key);
        var body = new { channel = "room-1", uid = 42 };
        for (var i = 0; i < 100; i++)
            Assert.Equal(HttpStatusCode.OK, (await unlimited.PostAsJsonAsync("/api/v1/tokens/rtc", body, Ct)).StatusCode);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await limited.PostAsJsonAsync("/api/v1/tokens/rtc", body, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task OpenApi_DescribesTheRateLimit_AsANumberOrUnlimited()
    {
        var document = await app.CreateClient().GetStringAsync("/openapi/v1.json", Ct);
        using var json = JsonDocument.Parse(document);
        var schema = json.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("KeyRateLimit");
        var kinds = schema.GetProperty("oneOf").EnumerateArray().Select(s => s.GetProperty("type").GetString()).ToList();
        Assert.Equal(["integer", "string"], kinds);
        Assert.Contains("unlimited", schema.GetRawText());
    }
}
