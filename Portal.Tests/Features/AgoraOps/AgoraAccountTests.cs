using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// Agora accounts against the fake Agora: the secret encrypted and never shown (but to a re-authenticated reveal),
/// Test connection with Agora's errors in plain words, Auditors who see but cannot act.
public sealed class AgoraAccountTests(AgoraOpsFixture f) : IClassFixture<AgoraOpsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<AuditEvent>> AuditAsync(Guid orgId)
    {
        await using var db = await f.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == orgId).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    [Fact]
    public async Task AddedAccount_ShowsAFingerprint_NeverTheSecret_InTheListTheDatabaseOrTheAudit()
    {
        var org = await ApiActors.OrganizationAsync(f.App, await ApiActors.PlatformAdminAsync(f.App));
        var id = await AgoraOpsHelpers.AddAccountAsync(org, f.Agora.CustomerId, f.Agora.CustomerSecret);

        var listText = await org.Owner.GetStringAsync($"{org.Path}/agora-accounts", Ct);
        Assert.DoesNotContain(f.Agora.CustomerSecret, listText);
        var account = Assert.Single(System.Text.Json.JsonDocument.Parse(listText).RootElement.EnumerateArray());
        Assert.Equal(id, account.GetProperty("id").GetGuid());
        Assert.Equal(f.Agora.CustomerId, account.GetProperty("customerId").GetString());
        Assert.Equal($"{f.Agora.CustomerSecret[..4]}…{f.Agora.CustomerSecret[^4..]}", account.GetProperty("secretFingerprint").GetString());

        await using var db = await f.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var stored = await db.AgoraAccounts.IgnoreQueryFilters().AsNoTracking().SingleAsync(a => a.Id == id, Ct);
        Assert.DoesNotContain(f.Agora.CustomerSecret, stored.ProtectedSecret);
        var added = Assert.Single(await AuditAsync(org.Id), e => e.Type == AuditEventType.AgoraAccountAdded);
        Assert.Contains(f.Agora.CustomerId, added.Details);
        Assert.DoesNotContain(f.Agora.CustomerSecret, added.Details);
    }

    [Fact]
    public async Task BadCredentials_AreRefusedWithTheFieldThatIsWrong()
    {
        var org = await ApiActors.OrganizationAsync(f.App, await ApiActors.PlatformAdminAsync(f.App));
        var path = $"{org.Path}/agora-accounts";
        var noId = await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(path, new { name = "a", customerId = "has space", customerSecret = "s3cretvalue" }, Ct),
            HttpStatusCode.BadRequest, "customer_id_invalid");
        Assert.Equal("customerId", noId.GetProperty("field").GetString());
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(path, new { name = "a", customerId = "abc", customerSecret = "short" }, Ct),
            HttpStatusCode.BadRequest, "customer_secret_invalid");
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(path, new { name = "", customerId = "abc", customerSecret = "s3cretvalue" }, Ct),
            HttpStatusCode.BadRequest, "name_invalid");
        await AgoraOpsHelpers.AddAccountAsync(org, "abc", "s3cretvalue", "twice");
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(path, new { name = "twice", customerId = "abc", customerSecret = "s3cretvalue" }, Ct),
            HttpStatusCode.Conflict, "name_taken");
    }

    [Fact]
    public async Task TestConnection_SaysSuccess_OrAgorasErrorInPlainWords_AndIsAudited()
    {
        var org = await ApiActors.OrganizationAsync(f.App, await ApiActors.PlatformAdminAsync(f.App));
        var good = await AgoraOpsHelpers.AddAccountAsync(org, f.Agora.CustomerId, f.Agora.CustomerSecret, "good");
        var wrong = await AgoraOpsHelpers.AddAccountAsync(org, f.Agora.CustomerId, "wrong-secret-0000", "wrong");
        async Task<System.Text.Json.JsonElement> TestAsync(Guid id) =>
            await (await org.Owner.PostAsync($"{org.Path}/agora-accounts/{id}/test", null, Ct)).JsonAsync(HttpStatusCode.OK);

        var ok = await TestAsync(good);
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.StartsWith("Connected", ok.GetProperty("message").GetString());
        Assert.Contains(f.Agora.Requests, r => r.Path == "/dev/v1/projects" && r.Method == "GET");

        var refused = await TestAsync(wrong);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Equal(401, refused.GetProperty("agoraStatus").GetInt32());
        Assert.Contains("Customer ID or Customer Secret", refused.GetProperty("message").GetString());
        Assert.DoesNotContain("wrong-secret-0000", refused.ToString());

        f.Agora.Failures.Enqueue(new FakeAgoraFailure(429, RetryAfterSeconds: 3));
        Assert.Contains("rate", (await TestAsync(good)).GetProperty("message").GetString());
        f.Agora.Failures.Enqueue(new FakeAgoraFailure(500));
        Assert.Contains("server error (500)", (await TestAsync(good)).GetProperty("message").GetString());
        f.Agora.Failures.Enqueue(new FakeAgoraFailure(0, Hang: true));
        var hung = await TestAsync(good);
        Assert.False(hung.GetProperty("ok").GetBoolean());
        Assert.Contains("did not answer within 2 s", hung.GetProperty("message").GetString());

        var listed = (await (await org.Owner.GetAsync($"{org.Path}/agora-accounts", Ct)).JsonAsync(HttpStatusCode.OK)).EnumerateArray()
            .Single(a => a.GetProperty("id").GetGuid() == wrong);
        Assert.Contains("401", listed.GetProperty("lastTestResult").GetString());
        var tests = (await AuditAsync(org.Id)).Where(e => e.Type == AuditEventType.AgoraAccountTested).ToList();
        Assert.Equal(5, tests.Count);
        Assert.Equal([true, false, false, false, false], tests.Select(e => e.Succeeded).ToArray());
        Assert.All(tests, e => Assert.DoesNotContain("wrong-secret-0000", e.Details));
    }

    [Fact]
    public async Task Reveal_NeedsReauthentication_AndIsAudited()
    {
        var org = await ApiActors.OrganizationAsync(f.App, await ApiActors.PlatformAdminAsync(f.App));
        var id = await AgoraOpsHelpers.AddAccountAsync(org, f.Agora.CustomerId, f.Agora.CustomerSecret);
        var path = $"{org.Path}/agora-accounts/{id}/reveal";
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(path, new { }, Ct), HttpStatusCode.Unauthorized, "reauthentication_required");
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(path, new { password = "not-the-password" }, Ct), HttpStatusCode.Unauthorized, "reauthentication_failed");
        Assert.DoesNotContain(await AuditAsync(org.Id), e => e.Type == AuditEventType.AgoraAccountRevealed);

        var revealed = await (await org.Owner.PostAsJsonAsync(path, new { password = TestUsers.Password }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(f.Agora.CustomerSecret, revealed.GetProperty("customerSecret").GetString());
        var audited = Assert.Single(await AuditAsync(org.Id), e => e.Type == AuditEventType.AgoraAccountRevealed);
        Assert.DoesNotContain(f.Agora.CustomerSecret, audited.Details);
    }

    [Fact]
    public async Task Auditor_SeesAccountsAndBans_ButCannotAct()
    {
        var linked = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var (auditor, _) = await ApiActors.MemberAsync(f.App, linked.Org.Owner, linked.Org.Id, "Auditor");
        var org = linked.Org.Path;

        var list = await (await auditor.GetAsync($"{org}/agora-accounts", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Single(list.EnumerateArray());
        await (await auditor.GetAsync(linked.Bans, Ct)).JsonAsync(HttpStatusCode.OK);
        await (await auditor.GetAsync($"{org}/projects/{linked.ProjectId}/agora-account", Ct)).JsonAsync(HttpStatusCode.OK);

        var posts = f.Agora.RuleRequests("POST").Count;
        await ProblemAssert.IsProblemAsync(await auditor.PostAsJsonAsync(linked.Bans, new { kind = "kick", uid = 7 }, Ct), HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await auditor.PostAsync($"{org}/agora-accounts/{linked.AccountId}/test", null, Ct), HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await auditor.PostAsJsonAsync($"{org}/agora-accounts/{linked.AccountId}/reveal", new { password = TestUsers.Password }, Ct),
            HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await auditor.PostAsJsonAsync($"{org}/agora-accounts", new { name = "x", customerId = "abc", customerSecret = "s3cretvalue" }, Ct),
            HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await auditor.DeleteAsync($"{org}/agora-accounts/{linked.AccountId}", Ct), HttpStatusCode.Forbidden, "role_forbidden");
        Assert.Equal(posts, f.Agora.RuleRequests("POST").Count); // nothing reached Agora
    }

    [Fact]
    public async Task AnotherOrganizationsAccount_CannotBeLinked()
    {
        var mine = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var theirs = await AgoraOpsHelpers.LinkedProjectAsync(f);
        await ProblemAssert.IsProblemAsync(await mine.Org.Owner.PutAsJsonAsync($"{mine.Org.Path}/projects/{mine.ProjectId}/agora-account",
            new { agoraAccountId = theirs.AccountId }, Ct), HttpStatusCode.BadRequest, "agora_account_unknown");
    }

    [Fact]
    public async Task RemovingAnAccount_UnlinksItsProjects()
    {
        var linked = await AgoraOpsHelpers.LinkedProjectAsync(f);
        (await linked.Org.Owner.DeleteAsync($"{linked.Org.Path}/agora-accounts/{linked.AccountId}", Ct)).EnsureSuccessStatusCode();
        var link = await (await linked.Org.Owner.GetAsync($"{linked.Org.Path}/projects/{linked.ProjectId}/agora-account", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, link.GetProperty("agoraAccountId").ValueKind);
        await ProblemAssert.IsProblemAsync(await linked.Org.Owner.PostAsJsonAsync(linked.Bans, new { kind = "kick", uid = 7 }, Ct),
            HttpStatusCode.Conflict, "agora_account_not_linked");
    }
}
