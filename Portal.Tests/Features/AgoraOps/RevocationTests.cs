using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Tests.Features.TokenIssuance;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// Token revocation end to end: the token API refuses the revoked subject from its cached snapshot, verify reports
/// revoked tokens, the kicking-rule is placed once for the policy's maximum lifetime, and lifting lets the user back in.
public sealed class RevocationTests(AgoraOpsFixture f) : IClassFixture<AgoraOpsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TokenProject Project, HttpClient Tokens, string Revocations)> ProjectAsync(bool link = true)
    {
        f.Agora.Failures.Clear();
        var project = await TokenProject.CreateAsync(f.App, policyChanges: new { maxLifetimeSeconds = 7200, allowStringAccounts = true });
        f.Agora.AppIds.Add(project.AppId);
        if (link)
        {
            var account = await AgoraOpsHelpers.AddAccountAsync(project.Org, f.Agora.CustomerId, f.Agora.CustomerSecret);
            (await project.Org.Owner.PutAsJsonAsync($"{project.Path}/agora-account", new { agoraAccountId = account }, Ct)).EnsureSuccessStatusCode();
        }
        var (key, _) = await project.KeyAsync();
        return (project, project.Client(key), $"{project.Path}/revocations");
    }

    private static Task<HttpResponseMessage> RtcAsync(HttpClient tokens, object subject) =>
        tokens.PostAsJsonAsync("/api/v1/tokens/rtc", subject, Ct);

    private static async Task<JsonElement> VerifyAsync(HttpClient tokens, string token) =>
        await (await tokens.PostAsJsonAsync("/api/v1/tokens/verify", new { token }, Ct)).JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task RevokedUid_IsRefusedTokenRevoked_ItsTokensVerifyAsRevoked_AndOneKickingRuleLastsTheMaxLifetime()
    {
        var (project, tokens, revocations) = await ProjectAsync();
        var before = (await (await RtcAsync(tokens, new { channel = "lobby", uid = 42 })).JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;

        var revoked = await (await project.Org.Owner.PostAsJsonAsync(revocations, new { uid = 42 }, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("active", revoked.GetProperty("banStatus").GetString());
        var rule = Assert.Single(f.Agora.Rules.Values, r => r.AppId == project.AppId);
        Assert.Equal((42L, 120, "join_channel"), (rule.Uid!.Value, rule.Time, Assert.Single(rule.Privileges)));
        Assert.Null(rule.Cname); // every channel of the app
        Assert.Equal(rule.Id, revoked.GetProperty("agoraRuleId").GetInt64());
        await TokenApiTests.WaitForCacheAsync(f.App);

        await ProblemAssert.IsProblemAsync(await RtcAsync(tokens, new { channel = "lobby", uid = 42 }), HttpStatusCode.Forbidden, "token_revoked");
        await ProblemAssert.IsProblemAsync(await tokens.PostAsJsonAsync("/api/v1/tokens/rtm", new { userId = "42" }, Ct), HttpStatusCode.Forbidden, "token_revoked");
        await (await RtcAsync(tokens, new { channel = "lobby", uid = 43 })).JsonAsync(HttpStatusCode.OK); // others are untouched
        var verified = await VerifyAsync(tokens, before);
        Assert.False(verified.GetProperty("valid").GetBoolean());
        Assert.Contains("token_revoked", verified.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        // Created once: revoking again is refused and places no second rule.
        await ProblemAssert.IsProblemAsync(await project.Org.Owner.PostAsJsonAsync(revocations, new { uid = 42 }, Ct), HttpStatusCode.Conflict, "already_revoked");
        Assert.Single(f.Agora.Rules.Values, r => r.AppId == project.AppId);

        var id = revoked.GetProperty("id").GetGuid();
        var lifted = await (await project.Org.Owner.DeleteAsync($"{revocations}/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.False(lifted.GetProperty("active").GetBoolean());
        Assert.Equal("lifted", lifted.GetProperty("banStatus").GetString());
        Assert.DoesNotContain(f.Agora.Rules.Values, r => r.AppId == project.AppId);
        await TokenApiTests.WaitForCacheAsync(f.App);
        await (await RtcAsync(tokens, new { channel = "lobby", uid = 42 })).JsonAsync(HttpStatusCode.OK);
        Assert.True((await VerifyAsync(tokens, before)).GetProperty("valid").GetBoolean());

        var list = await (await project.Org.Owner.GetAsync(revocations, Ct)).JsonAsync(HttpStatusCode.OK);
        var row = Assert.Single(list.EnumerateArray());
        Assert.Equal(project.Org.OwnerEmail, row.GetProperty("revokedBy").GetString());
        Assert.Equal(project.Org.OwnerEmail, row.GetProperty("liftedBy").GetString());
        await using var db = await f.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.OrganizationId == project.Org.Id
            && (e.Type == AuditEventType.TokensRevoked || e.Type == AuditEventType.TokenRevocationLifted), Ct));
    }

    [Fact]
    public async Task RevokedAccount_IsRefused_AndTheAnswerSaysNoRuleCanNameAnAccount()
    {
        var (project, tokens, revocations) = await ProjectAsync();
        var revoked = await (await project.Org.Owner.PostAsJsonAsync(revocations, new { account = "mallory" }, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Contains("uids and IPs only", revoked.GetProperty("note").GetString());
        Assert.DoesNotContain(f.Agora.Rules.Values, r => r.AppId == project.AppId);
        await TokenApiTests.WaitForCacheAsync(f.App);
        await ProblemAssert.IsProblemAsync(await RtcAsync(tokens, new { channel = "lobby", account = "mallory" }), HttpStatusCode.Forbidden, "token_revoked");
        await ProblemAssert.IsProblemAsync(await tokens.PostAsJsonAsync("/api/v1/tokens/chat", new { userId = "mallory" }, Ct), HttpStatusCode.Forbidden, "token_revoked");
        await (await RtcAsync(tokens, new { channel = "lobby", account = "alice" })).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AllIssuedBeforeNow_RevokesEarlierTokens_WhileNewOnesVerify()
    {
        var (project, tokens, revocations) = await ProjectAsync(link: false);
        var old = (await (await RtcAsync(tokens, new { channel = "lobby", uid = 5 })).JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;
        var revoked = await (await project.Org.Owner.PostAsJsonAsync(revocations, new { allIssuedBefore = true }, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(f.Clock.GetUtcNow(), revoked.GetProperty("issuedBefore").GetDateTimeOffset());
        await TokenApiTests.WaitForCacheAsync(f.App);
        f.Clock.Advance(TimeSpan.FromSeconds(2));

        var oldVerified = await VerifyAsync(tokens, old);
        Assert.False(oldVerified.GetProperty("valid").GetBoolean());
        Assert.Equal("token_revoked", Assert.Single(oldVerified.GetProperty("reasons").EnumerateArray()).GetString());
        var fresh = (await (await RtcAsync(tokens, new { channel = "lobby", uid = 5 })).JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;
        Assert.True((await VerifyAsync(tokens, fresh)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task UidRevokedWithoutALinkedAccount_StillRefusesTokens_AndSaysNoRuleWasPlaced()
    {
        var (project, tokens, revocations) = await ProjectAsync(link: false);
        var revoked = await (await project.Org.Owner.PostAsJsonAsync(revocations, new { uid = 8 }, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Contains("No Agora account is linked", revoked.GetProperty("note").GetString());
        await TokenApiTests.WaitForCacheAsync(f.App);
        await ProblemAssert.IsProblemAsync(await RtcAsync(tokens, new { channel = "lobby", uid = 8 }), HttpStatusCode.Forbidden, "token_revoked");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"uid\":1,\"account\":\"a\"}")]
    [InlineData("{\"uid\":1,\"allIssuedBefore\":true}")]
    public async Task ARevocationNamesExactlyOneTarget(string body)
    {
        var (project, _, revocations) = await ProjectAsync(link: false);
        await ProblemAssert.IsProblemAsync(await project.Org.Owner.PostAsync(revocations, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct),
            HttpStatusCode.BadRequest, "revocation_target_invalid");
    }
}
