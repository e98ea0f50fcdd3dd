using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenExchange;

/// The refusal catalogue of the exchange: each bad token or request is a 401/403/429 problem with its stable code,
/// never a 500 and never a token.
public sealed class ExchangeRefusalTests(ExchangeRefusalTests.Fixture fixture) : IClassFixture<ExchangeRefusalTests.Fixture>
{
    public sealed class Fixture : ExchangeFixture
    {
        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            await AddProviderAsync(ProviderBody(Issuer.Issuer, new
            {
                requiredClaims = new[] { new { claim = "email_verified", value = "true" } },
                rules = new[] { new { name = "all rooms", services = new[] { "rtc" }, role = "publisher", channels = new[] { "room-*" } } },
                rateLimitPerSubjectPerMinute = 5,
            }));
        }
    }

    private TestOidcIssuer Issuer => fixture.Issuer;
    private static readonly Dictionary<string, object> Verified = new() { ["email_verified"] = true };

    private static Dictionary<string, object> With(params (string, object)[] values)
    {
        var claims = new Dictionary<string, object>(Verified);
        foreach (var (k, v) in values) claims[k] = v;
        return claims;
    }

    /// Each case builds its token from the fixture's issuer: (why, token, status, code).
    public static TheoryData<string> Cases => new()
    {
        "expired", "not yet valid", "wrong audience", "wrong issuer", "unknown kid", "alg none", "HS256 with the public key",
        "too large", "bad base64", "exp of the wrong type", "sub of the wrong type", "required claim missing", "no rule matches", "no token",
        "signature of another key with a known kid",
    };

    private (string? Token, HttpStatusCode Status, string Code, string Body) Case(string why)
    {
        var now = DateTime.UtcNow;
        const string Room = """{"service":"rtc","channel":"room-1"}""";
        var stranger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "stranger" };
        return why switch
        {
            "expired" => (Issuer.Token(Verified, expires: now.AddMinutes(-5), issuedAt: now.AddHours(-1)), HttpStatusCode.Unauthorized, "id_token_expired", Room),
            "not yet valid" => (Issuer.Token(Verified, notBefore: now.AddMinutes(10), issuedAt: now), HttpStatusCode.Unauthorized, "id_token_not_yet_valid", Room),
            "wrong audience" => (Issuer.Token(Verified, audience: "someone-else"), HttpStatusCode.Unauthorized, "id_token_audience", Room),
            "wrong issuer" => (Issuer.Token(Verified, issuer: "https://evil.example/"), HttpStatusCode.Unauthorized, "id_token_issuer", Room),
            "unknown kid" => (Issuer.Token(Verified, key: stranger), HttpStatusCode.Unauthorized, "id_token_signature", Room),
            "signature of another key with a known kid" => (Issuer.Token(Verified,
                key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = Issuer.Rsa.KeyId }), HttpStatusCode.Unauthorized, "id_token_signature", Room),
            "alg none" => (TestOidcIssuer.Raw(new { alg = "none", typ = "JWT" }, Issuer.Payload()), HttpStatusCode.Unauthorized, "id_token_signature", Room),
            "HS256 with the public key" => (Issuer.HmacWithPublicKey(Issuer.Payload()), HttpStatusCode.Unauthorized, "id_token_signature", Room),
            "too large" => (Issuer.Token(With(("padding", new string('x', 17 * 1024)))), HttpStatusCode.Unauthorized, "id_token_too_large", Room),
            "bad base64" => ("eyJhbGciOiJSUzI1NiJ9.@@@not-base64@@@.c2ln", HttpStatusCode.Unauthorized, "id_token_malformed", Room),
            "exp of the wrong type" => (TestOidcIssuer.Raw(new { alg = "RS256", kid = Issuer.Rsa.KeyId },
                new { iss = Issuer.Issuer, aud = "portal-app", sub = "x", exp = "tomorrow" }, "c2ln"), HttpStatusCode.Unauthorized, "id_token_malformed", Room),
            "sub of the wrong type" => (Issuer.Token(With(("sub", 12345))), HttpStatusCode.Unauthorized, "id_token_malformed", Room),
            "required claim missing" => (Issuer.Token(), HttpStatusCode.Forbidden, "claim_required", Room),
            "no rule matches" => (Issuer.Token(Verified), HttpStatusCode.Forbidden, "claim_rule_no_match", """{"service":"rtc","channel":"lobby"}"""),
            "no token" => (null, HttpStatusCode.Unauthorized, "id_token_missing", Room),
            _ => throw new ArgumentOutOfRangeException(nameof(why)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadToken_IsRefusedWithItsCode(string why)
    {
        var (token, status, code, body) = Case(why);
        var response = await fixture.ExchangeAsync(token, body);
        Assert.True(response.StatusCode == status, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsProblemAsync(response, status, code);
    }

    [Fact]
    public async Task PerSubjectRateLimit_RefusesWith429_AndOtherSubjectsGoOn()
    {
        var sub = "busy-" + Guid.NewGuid().ToString("N");
        var token = Issuer.Token(With(("sub", sub)));
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await fixture.ExchangeAsync(token, """{"service":"rtc","channel":"room-1"}""")).StatusCode);
        var limited = await fixture.ExchangeAsync(token, """{"service":"rtc","channel":"room-1"}""");
        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.Contains("Retry-After"));
        var other = Issuer.Token(With(("sub", "calm-" + Guid.NewGuid().ToString("N"))));
        Assert.Equal(HttpStatusCode.OK, (await fixture.ExchangeAsync(other, """{"service":"rtc","channel":"room-1"}""")).StatusCode);
    }

    [Theory]
    [InlineData("", "project_missing")]
    [InlineData("not-a-guid", "project_invalid")]
    public async Task ProjectHeader_IsRequired(string header, string code)
    {
        var client = fixture.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens/exchange")
        {
            Content = new StringContent("""{"service":"rtc","channel":"room-1"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        if (header.Length > 0) request.Headers.Add("X-Portal-Project", header);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Issuer.Token(Verified));
        await ProblemAssert.IsProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, code);
    }
}
