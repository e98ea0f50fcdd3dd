using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.TokenExchange;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Tests.Features.TokenExchange;

/// The exchange end to end against a real OIDC issuer on loopback: tokens carry exactly what the rules and the
/// project's policy allow, and the identity comes only from the validated token.
public sealed class TokenExchangeTests(TokenExchangeTests.Fixture fixture) : IClassFixture<TokenExchangeTests.Fixture>
{
    public sealed class Fixture : ExchangeFixture
    {
        public Guid ProviderId { get; private set; }

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            ProviderId = (await AddProviderAsync(ProviderBody(Issuer.Issuer))).GetProperty("id").GetGuid();
        }
    }

    private TestOidcIssuer Issuer => fixture.Issuer;

    private static Dictionary<string, object> Claims(params (string, object)[] values) => values.ToDictionary(v => v.Item1, v => v.Item2);

    [Fact]
    public async Task RtcExchange_IssuesTheTokenTheMatchingRuleAllows_ForTheIdentityInTheToken()
    {
        var idToken = Issuer.Token(Claims(("org_id", "acme"), ("groups", new[] { "staff", "video-host" })));
        var body = await (await fixture.ExchangeAsync(idToken, """{"service":"rtc","channel":"room-acme-7","role":"publisher"}""")).JsonAsync(HttpStatusCode.OK);

        var uid = ExchangeRules.UidOf("user-1");
        Assert.Equal(uid, body.GetProperty("uid").GetUInt32());
        Assert.Equal("publisher", body.GetProperty("role").GetString());
        var token = AccessToken2.Parse(body.GetProperty("token").GetString()!);
        Assert.True(token.VerifySignature(fixture.Project.Certificate));
        var rtc = Assert.IsType<RtcService>(Assert.Single(token.Services));
        Assert.Equal("room-acme-7", rtc.ChannelName);
        Assert.Equal(uid.ToString(System.Globalization.CultureInfo.InvariantCulture), rtc.Uid);
    }

    [Fact]
    public async Task EcSignedToken_AndTheProjectRoute_Work()
    {
        var idToken = Issuer.Token(Claims(("org_id", "acme")), ec: true);
        var body = await (await fixture.ExchangeAsync(idToken, header: false)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("subscriber", body.GetProperty("role").GetString()); // the "members" rule: no video-host group
        Assert.Equal(600, body.GetProperty("expireSeconds").GetInt64()); // the rule's lifetime cap under the policy's default
    }

    [Fact]
    public async Task PlaceholderChannel_MatchesOnlyTheSubjectsOwnChannel()
    {
        var idToken = Issuer.Token(Claims(("sub", "alice")));
        await (await fixture.ExchangeAsync(idToken, """{"service":"rtc","channel":"user-alice"}""")).JsonAsync(HttpStatusCode.OK);
        var refused = await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(idToken, """{"service":"rtc","channel":"user-bob"}"""),
            HttpStatusCode.Forbidden, "claim_rule_no_match");
        Assert.Contains("Test issuer", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SubscriberRule_DoesNotGrantPublisher()
    {
        var idToken = Issuer.Token(Claims(("org_id", "acme")));
        await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(idToken, """{"service":"rtc","channel":"room-acme-1","role":"publisher"}"""),
            HttpStatusCode.Forbidden, "claim_rule_no_match");
    }

    /// The exchange load run's error lines: concurrent first exchanges of one new identity raced to insert its uid
    /// claim, and every loser's unique-index failure was logged by EF Core as a database error (then handled). The
    /// claim is single-flight per instance now: one insert, every request answered, no error in the log.
    [Fact]
    public async Task ConcurrentFirstExchanges_OfOneNewIdentity_AllSucceed_AndLogNoDatabaseError()
    {
        var logs = new CapturingLoggerProvider();
        fixture.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var sub = "burst-" + Guid.NewGuid().ToString("N");
        var idToken = Issuer.Token(Claims(("sub", sub)));
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
            fixture.ExchangeAsync(idToken, $$"""{"service":"rtc","channel":"user-{{sub}}"}""")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        await using var db = await fixture.App.Services.GetRequiredService<Portal.Data.Tenancy.TenantDb>().UnfilteredAsync("test counts uid claims", CancellationToken.None);
        var uid = (long)ExchangeRules.UidOf(sub);
        Assert.Equal(1, await db.ExchangeSubjects.CountAsync(s => s.ProjectId == fixture.Project.ProjectId && s.Uid == uid,
            TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RtmAndChat_UseTheMappedIdentityAsUserId()
    {
        var idToken = Issuer.Token(Claims(("sub", "carol")));
        var rtm = await (await fixture.ExchangeAsync(idToken, """{"service":"rtm"}""")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(ExchangeRules.UidOf("carol").ToString(System.Globalization.CultureInfo.InvariantCulture), rtm.GetProperty("userId").GetString());
        var chat = await (await fixture.ExchangeAsync(idToken, """{"service":"chat"}""")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(rtm.GetProperty("userId").GetString(), chat.GetProperty("userId").GetString());
    }

    [Theory]
    [InlineData("""{"service":"rtc","channel":"room-acme-1","uid":42}""")]
    [InlineData("""{"service":"rtc","channel":"room-acme-1","account":"admin"}""")]
    [InlineData("""{"service":"rtm","userId":"admin"}""")]
    public async Task IdentityInTheBody_IsRefused(string body)
    {
        var idToken = Issuer.Token(Claims(("org_id", "acme")));
        await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(idToken, body), HttpStatusCode.BadRequest, "identity_from_token");
    }

    [Fact]
    public async Task OriginNotAllowed_IsRefused_AndAnAllowedOneWorks()
    {
        var idToken = Issuer.Token(Claims(("org_id", "acme")));
        await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(idToken, origin: "https://evil.example"), HttpStatusCode.Forbidden, "origin_not_allowed");
        var ok = await fixture.ExchangeAsync(idToken, origin: ExchangeFixture.Origin);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(ExchangeFixture.Origin, ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Preflight_OnTheProjectRoute_AllowsTheProjectHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"/api/v1/projects/{fixture.Project.ProjectId}/tokens/exchange");
        request.Headers.Add("Origin", ExchangeFixture.Origin);
        var response = await fixture.App.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("X-Portal-Project", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task FirstExchangeOfTheDay_IsAudited_WithoutTheToken()
    {
        var sub = "audited-" + Guid.NewGuid().ToString("N");
        var idToken = Issuer.Token(Claims(("sub", sub), ("org_id", "acme")));
        await (await fixture.ExchangeAsync(idToken)).JsonAsync(HttpStatusCode.OK);
        await (await fixture.ExchangeAsync(idToken)).JsonAsync(HttpStatusCode.OK);
        await using var db = await fixture.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var rows = await db.AuditEvents.Where(e => e.Type == AuditEventType.TokenExchangeFirstToday).ToListAsync();
        var mine = rows.Where(r => r.Details.Contains(sub)).ToList();
        Assert.Single(mine);
        Assert.DoesNotContain(idToken.Split('.')[2], mine[0].Details);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == AuditEventType.IdentityProviderCreated));
    }

    [Fact]
    public async Task Refusals_AreAuditedAggregated_ByCode()
    {
        var expired = Issuer.Token(expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddHours(-1), issuedAt: DateTime.UtcNow.AddHours(-1));
        for (var i = 0; i < 3; i++) await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(expired), HttpStatusCode.Unauthorized, "id_token_expired");
        await using var db = await fixture.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var rows = await db.AuditEvents.Where(e => e.Type == AuditEventType.TokenExchangeRefused).ToListAsync();
        Assert.Single(rows, r => r.Details.Contains("id_token_expired")); // the others are counted into the next row of the minute
        Assert.DoesNotContain(rows, r => r.Details.Contains(expired.Split('.')[2]));
    }
}
