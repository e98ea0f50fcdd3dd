using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.AgoraOps;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// Kicks and bans through the fake Agora's kicking-rule API: the request shapes, the rule id in the audit, failures
/// recorded with their reason, retries with backoff that never create a second rule, and lifting.
public sealed class BanTests(AgoraOpsFixture f) : IClassFixture<AgoraOpsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task RetryAsync(Guid banId)
    {
        await using var scope = f.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BanRetryJob>().RetryAsync(banId, CancellationToken.None);
    }

    private async Task<List<AuditEvent>> AuditAsync(Guid orgId, params AuditEventType[] types)
    {
        await using var db = await f.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == orgId && types.Contains(e.Type)).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    private static async Task<JsonElement> BanAsync(LinkedProject p, object body) =>
        await (await p.Org.Owner.PostAsJsonAsync(p.Bans, body, Ct)).JsonAsync(HttpStatusCode.Created);

    private List<FakeAgora.Rule> RulesOf(LinkedProject p) => f.Agora.Rules.Values.Where(r => r.AppId == p.AppId).ToList();

    [Fact]
    public async Task Kick_PlacesARuleWithTimeZero_AndTheAuditCarriesAgorasRuleId()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var kick = await BanAsync(p, new { kind = "kick", channel = "lobby", uid = 42 });
        Assert.Equal("done", kick.GetProperty("status").GetString());
        var rule = Assert.Single(RulesOf(p));
        Assert.Equal(rule.Id, kick.GetProperty("agoraRuleId").GetInt64());
        Assert.Equal(("lobby", 42L, 0), (rule.Cname, rule.Uid!.Value, rule.Time));
        Assert.Equal(["join_channel"], rule.Privileges);
        // The request as Agora's reference has it (the fake refuses anything else).
        var sent = JsonDocument.Parse(f.Agora.RuleRequests("POST").Last().Body).RootElement;
        Assert.Equal(p.AppId, sent.GetProperty("appid").GetString());
        Assert.Equal(0, sent.GetProperty("time").GetInt32());

        var audited = Assert.Single(await AuditAsync(p.Org.Id, AuditEventType.BanCreated));
        Assert.Equal(kick.GetProperty("id").GetGuid().ToString(), audited.TargetId);
        Assert.Contains($"\"agoraRuleId\":{rule.Id}", audited.Details);
    }

    [Fact]
    public async Task Bans_ForMinutesAndForPublishing_AreListed_AndLiftingDeletesTheRule()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var join = await BanAsync(p, new { kind = "ban_join", channel = "lobby", uid = 7, minutes = 30 });
        var joinedAt = f.Clock.GetUtcNow();
        f.Clock.Advance(TimeSpan.FromSeconds(1)); // the list is newest first
        var audio = await BanAsync(p, new { kind = "ban_audio", ip = "203.0.113.9", minutes = 10 });
        Assert.Equal("active", join.GetProperty("status").GetString());
        Assert.Equal(joinedAt.AddMinutes(30), join.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(2, RulesOf(p).Count);
        Assert.Contains(RulesOf(p), r => r.Ip == "203.0.113.9" && r.Privileges.SequenceEqual(["publish_audio"]) && r.Time == 10 && r.Cname is null);

        var listed = await (await p.Org.Owner.GetAsync(p.Bans, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([audio.GetProperty("id").GetGuid(), join.GetProperty("id").GetGuid()],
            listed.EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToArray());

        var lifted = await (await p.Org.Owner.DeleteAsync($"{p.Bans}/{join.GetProperty("id").GetGuid()}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("lifted", lifted.GetProperty("status").GetString());
        Assert.DoesNotContain(RulesOf(p), r => r.Id == join.GetProperty("agoraRuleId").GetInt64());
        Assert.Single(await AuditAsync(p.Org.Id, AuditEventType.BanLifted));
        await ProblemAssert.IsProblemAsync(await p.Org.Owner.DeleteAsync($"{p.Bans}/{join.GetProperty("id").GetGuid()}", Ct), HttpStatusCode.Conflict, "ban_not_active");

        f.Clock.Advance(TimeSpan.FromMinutes(11));
        var later = await (await p.Org.Owner.GetAsync(p.Bans, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("expired", later.EnumerateArray().First().GetProperty("status").GetString());
    }

    [Fact]
    public async Task ServerError_IsRecordedAsPending_ThenRetriedWithBackoffByTheJob()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        f.Agora.Failures.Enqueue(new FakeAgoraFailure(500));
        var ban = await BanAsync(p, new { kind = "ban_video", uid = 9, minutes = 5 });
        var id = ban.GetProperty("id").GetGuid();
        Assert.Equal("pending", ban.GetProperty("status").GetString());
        Assert.Contains("server error (500)", ban.GetProperty("lastError").GetString());
        Assert.Equal(f.Clock.GetUtcNow() + BanAttempts.RetryDelays[0], ban.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Empty(RulesOf(p));
        var scheduled = f.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100);
        Assert.Contains(scheduled, j => j.Value.Job.Method.Name == nameof(BanRetryJob.RetryAsync) && (Guid)j.Value.Job.Args[0] == id);

        await RetryAsync(id); // not due yet: nothing is sent
        Assert.Empty(RulesOf(p));
        f.Clock.Advance(BanAttempts.RetryDelays[0]);
        await Task.WhenAll(RetryAsync(id), RetryAsync(id)); // two workers: one try
        var rule = Assert.Single(RulesOf(p));
        var now = (await (await p.Org.Owner.GetAsync(p.Bans, Ct)).JsonAsync(HttpStatusCode.OK))[0];
        Assert.Equal("active", now.GetProperty("status").GetString());
        Assert.Equal(rule.Id, now.GetProperty("agoraRuleId").GetInt64());
        Assert.Equal(2, now.GetProperty("attempts").GetInt32());
        Assert.Equal([AuditEventType.BanCallDeferred, AuditEventType.BanCreated],
            (await AuditAsync(p.Org.Id, AuditEventType.BanCallDeferred, AuditEventType.BanCreated)).Select(e => e.Type).ToArray());
    }

    [Fact]
    public async Task AKickWhoseAnswerWasLost_IsRetried_WithoutASecondRule()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        // Agora takes the rule but the answer never arrives (time-out), then answers normally.
        f.Agora.Failures.Enqueue(new FakeAgoraFailure(0, Hang: true, AfterApplying: true));
        var kick = await BanAsync(p, new { kind = "kick", uid = 77 });
        Assert.Equal("pending", kick.GetProperty("status").GetString());
        Assert.Contains("did not answer", kick.GetProperty("lastError").GetString());
        var placed = Assert.Single(RulesOf(p));

        f.Clock.Advance(BanAttempts.RetryDelays[0]);
        var posts = f.Agora.RuleRequests("POST").Count;
        await RetryAsync(kick.GetProperty("id").GetGuid());
        Assert.Equal(posts, f.Agora.RuleRequests("POST").Count); // listed, found, adopted: no second POST
        Assert.Single(RulesOf(p));
        var now = (await (await p.Org.Owner.GetAsync(p.Bans, Ct)).JsonAsync(HttpStatusCode.OK))[0];
        Assert.Equal("done", now.GetProperty("status").GetString());
        Assert.Equal(placed.Id, now.GetProperty("agoraRuleId").GetInt64());
    }

    [Fact]
    public async Task TooManyRequests_WaitsForAgorasRetryAfter()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        f.Agora.Failures.Enqueue(new FakeAgoraFailure(429, RetryAfterSeconds: 90));
        var ban = await BanAsync(p, new { kind = "ban_join", uid = 5, minutes = 1 });
        Assert.Equal("pending", ban.GetProperty("status").GetString());
        Assert.Contains("429", ban.GetProperty("lastError").GetString());
        Assert.Equal(f.Clock.GetUtcNow().AddSeconds(90), ban.GetProperty("nextAttemptAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task RefusedCredentials_FailTheBanWithTheReason_AndARetryAfterwardsSucceeds()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        f.Agora.Failures.Enqueue(new FakeAgoraFailure(401));
        var ban = await BanAsync(p, new { kind = "ban_join", uid = 11, minutes = 15 });
        var id = ban.GetProperty("id").GetGuid();
        Assert.Equal("failed", ban.GetProperty("status").GetString());
        Assert.Contains("401", ban.GetProperty("lastError").GetString());
        var failed = Assert.Single(await AuditAsync(p.Org.Id, AuditEventType.BanFailed));
        Assert.False(failed.Succeeded);
        Assert.Contains("401", failed.Details);

        var retried = await (await p.Org.Owner.PostAsync($"{p.Bans}/{id}/retry", null, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("active", retried.GetProperty("status").GetString());
        Assert.Single(RulesOf(p));
        await ProblemAssert.IsProblemAsync(await p.Org.Owner.PostAsync($"{p.Bans}/{id}/retry", null, Ct), HttpStatusCode.Conflict, "ban_not_failed");
    }

    [Fact]
    public async Task RetriesGiveUp_AfterTheLastDelay_AsFailed()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        for (var i = 0; i < BanAttempts.MaxAttempts; i++) f.Agora.Failures.Enqueue(new FakeAgoraFailure(503));
        var ban = await BanAsync(p, new { kind = "kick", uid = 3 });
        var id = ban.GetProperty("id").GetGuid();
        // Every retry lists Agora's rules before creating one; the fake fails that call (one queued failure per request).
        foreach (var delay in BanAttempts.RetryDelays)
        {
            f.Clock.Advance(delay);
            await RetryAsync(id);
        }
        var owner = await ApiActors.ClientForAsync(f.App, p.Org.OwnerEmail); // hours later: the first sign-in's token has expired
        var now = (await (await owner.GetAsync(p.Bans, Ct)).JsonAsync(HttpStatusCode.OK))[0];
        Assert.Equal("failed", now.GetProperty("status").GetString());
        Assert.Equal(BanAttempts.MaxAttempts, now.GetProperty("attempts").GetInt32());
        Assert.Empty(RulesOf(p));
        Assert.Single(await AuditAsync(p.Org.Id, AuditEventType.BanFailed));
    }

    [Theory]
    [InlineData("{\"kind\":\"smite\",\"uid\":1}", "kind_invalid")]
    [InlineData("{\"kind\":\"kick\"}", "target_required")]
    [InlineData("{\"kind\":\"kick\",\"channel\":\"lobby\"}", "target_required")]
    [InlineData("{\"kind\":\"kick\",\"uid\":0}", "uid_invalid")]
    [InlineData("{\"kind\":\"kick\",\"uid\":4294967296}", "uid_invalid")]
    [InlineData("{\"kind\":\"kick\",\"ip\":\"not-an-ip\"}", "ip_invalid")]
    [InlineData("{\"kind\":\"kick\",\"uid\":1,\"channel\":\"bad/slash\"}", "channel_invalid")]
    [InlineData("{\"kind\":\"ban_join\",\"uid\":1,\"minutes\":1441}", "minutes_invalid")]
    [InlineData("{\"kind\":\"ban_join\",\"uid\":1,\"minutes\":0}", "minutes_invalid")]
    public async Task BadBanRequests_AreRefusedBeforeAgoraIsCalled(string body, string code)
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var before = f.Agora.Requests.Count;
        var response = await p.Org.Owner.PostAsync(p.Bans, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, f.Agora.Requests.Count);
    }
}
