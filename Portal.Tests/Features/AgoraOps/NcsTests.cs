using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.AgoraOps;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.AgoraOps;

/// Signed NCS event sequences against the webhook, checked through the presence view: joins, leaves, role changes,
/// duplicates, out-of-order events, unknown types, bad signatures and huge bodies.
public sealed class NcsTests(AgoraOpsFixture f) : IClassFixture<AgoraOpsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Secret = "ncs-secret-0123456789";

    private sealed record Ncs(TestOrg Org, Guid ProjectId, HttpClient Agora)
    {
        public string Url => $"/webhooks/agora/{ProjectId}";
        public string Channels => $"{Org.Path}/projects/{ProjectId}/channels";
    }

    private async Task<Ncs> ProjectAsync()
    {
        var org = await ApiActors.OrganizationAsync(f.App, await ApiActors.PlatformAdminAsync(f.App));
        var project = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Live", appId = ApiActors.NewAppId() }, Ct))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var set = await (await org.Owner.PutAsJsonAsync($"{org.Path}/projects/{project}/ncs", new { secret = Secret }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal($"/webhooks/agora/{project}", set.GetProperty("webhookPath").GetString());
        Assert.DoesNotContain(Secret, set.ToString());
        return new Ncs(org, project, f.App.CreateClient());
    }

    /// What Agora sends: the notice JSON, signed with HMAC-SHA256 over the raw body, hex (written independently of Portal).
    private static HttpRequestMessage Signed(Ncs ncs, string noticeId, int eventType, string channel, long uid, long ts, long clientSeq = 0, string secret = Secret)
    {
        var body = JsonSerializer.Serialize(new
        {
            noticeId,
            productId = 1,
            eventType,
            notifyMs = ts * 1000,
            payload = new { channelName = channel, uid, platform = 1, clientSeq, ts },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, ncs.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Agora-Signature-V2", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        return request;
    }

    private static async Task<string> SendAsync(Ncs ncs, HttpRequestMessage request) =>
        (await (await ncs.Agora.SendAsync(request, Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!;

    private static async Task<JsonElement> ChannelsAsync(Ncs ncs) => await (await ncs.Org.Owner.GetAsync(ncs.Channels, Ct)).JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task JoinsLeavesAndRoleChanges_BuildThePresenceView()
    {
        var ncs = await ProjectAsync();
        Assert.Equal("applied", await SendAsync(ncs, Signed(ncs, "n1", 101, "lobby", 0, 1000)));
        await SendAsync(ncs, Signed(ncs, "n2", 103, "lobby", 42, 1001, clientSeq: 1));
        await SendAsync(ncs, Signed(ncs, "n3", 105, "lobby", 7, 1002, clientSeq: 1));
        await SendAsync(ncs, Signed(ncs, "n4", 105, "quiet", 8, 1003, clientSeq: 1));

        var channels = await ChannelsAsync(ncs);
        var lobby = channels[0];
        Assert.Equal("lobby", lobby.GetProperty("channel").GetString());
        Assert.Equal((1, 1), (lobby.GetProperty("broadcasters").GetInt32(), lobby.GetProperty("audience").GetInt32()));
        Assert.Equal([(42L, "broadcaster"), (7L, "audience")],
            lobby.GetProperty("users").EnumerateArray().Select(u => (u.GetProperty("uid").GetInt64(), u.GetProperty("role").GetString()!)).ToArray());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1001), lobby.GetProperty("users")[0].GetProperty("joinedAt").GetDateTimeOffset());

        await SendAsync(ncs, Signed(ncs, "n5", 111, "lobby", 7, 1004, clientSeq: 2)); // audience → broadcaster
        await SendAsync(ncs, Signed(ncs, "n6", 104, "lobby", 42, 1005, clientSeq: 2)); // broadcaster leaves
        lobby = (await ChannelsAsync(ncs)).EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "lobby");
        var user = Assert.Single(lobby.GetProperty("users").EnumerateArray());
        Assert.Equal((7L, "broadcaster"), (user.GetProperty("uid").GetInt64(), user.GetProperty("role").GetString()));

        await SendAsync(ncs, Signed(ncs, "n7", 102, "quiet", 0, 1006)); // channel destroyed
        Assert.DoesNotContain((await ChannelsAsync(ncs)).EnumerateArray(), c => c.GetProperty("channel").GetString() == "quiet");
    }

    [Fact]
    public async Task DuplicatesAndOutOfOrderEvents_DoNotUndoNewerOnes()
    {
        var ncs = await ProjectAsync();
        await SendAsync(ncs, Signed(ncs, "a1", 103, "lobby", 42, 2000, clientSeq: 1));
        await SendAsync(ncs, Signed(ncs, "a2", 104, "lobby", 42, 2010, clientSeq: 3)); // left
        Assert.Equal("duplicate", await SendAsync(ncs, Signed(ncs, "a1", 103, "lobby", 42, 2000, clientSeq: 1))); // Agora's retry
        Assert.Equal("ignored", await SendAsync(ncs, Signed(ncs, "a3", 103, "lobby", 42, 2005, clientSeq: 2))); // an older join, late
        Assert.Empty((await ChannelsAsync(ncs)).EnumerateArray());

        // Without clientSeq the payload's ts orders them.
        await SendAsync(ncs, Signed(ncs, "b1", 105, "lobby", 9, 3000));
        Assert.Equal("ignored", await SendAsync(ncs, Signed(ncs, "b0", 106, "lobby", 9, 2999)));
        Assert.Equal(9, (await ChannelsAsync(ncs))[0].GetProperty("users")[0].GetProperty("uid").GetInt64());
    }

    [Fact]
    public async Task UnknownEventTypes_AreAcknowledged_AndChangeNothing()
    {
        var ncs = await ProjectAsync();
        Assert.Equal("ignored", await SendAsync(ncs, Signed(ncs, "u1", 999, "lobby", 42, 1000)));
        Assert.Empty((await ChannelsAsync(ncs)).EnumerateArray());
    }

    [Fact]
    public async Task BadSignatures_UnknownProjects_AndHugeBodies_AreRefused()
    {
        var ncs = await ProjectAsync();
        await ProblemAssert.IsProblemAsync(await ncs.Agora.SendAsync(Signed(ncs, "x1", 103, "lobby", 42, 1000, secret: "another-secret-000"), Ct),
            HttpStatusCode.Unauthorized, "signature_invalid");
        var unsigned = Signed(ncs, "x2", 103, "lobby", 42, 1000);
        unsigned.Headers.Remove("Agora-Signature-V2");
        await ProblemAssert.IsProblemAsync(await ncs.Agora.SendAsync(unsigned, Ct), HttpStatusCode.Unauthorized, "signature_invalid");
        var elsewhere = Signed(ncs with { ProjectId = Guid.NewGuid() }, "x3", 103, "lobby", 42, 1000);
        await ProblemAssert.IsProblemAsync(await ncs.Agora.SendAsync(elsewhere, Ct), HttpStatusCode.Unauthorized, "signature_invalid");
        var huge = new HttpRequestMessage(HttpMethod.Post, ncs.Url) { Content = new StringContent(new string(' ', NcsReceiver.MaxBodyBytes + 1), Encoding.UTF8, "application/json") };
        await ProblemAssert.IsProblemAsync(await ncs.Agora.SendAsync(huge, Ct), HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        // A signed body that is no notice.
        var garbage = new HttpRequestMessage(HttpMethod.Post, ncs.Url) { Content = new StringContent("[1,2]", Encoding.UTF8, "application/json") };
        garbage.Headers.Add("Agora-Signature-V2", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), "[1,2]"u8.ToArray())));
        await ProblemAssert.IsProblemAsync(await ncs.Agora.SendAsync(garbage, Ct), HttpStatusCode.BadRequest, "ncs_body_invalid");
        Assert.Empty((await ChannelsAsync(ncs)).EnumerateArray());

        await using var scope = f.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Portal.Features.Audit.AuditThrottle>().FlushAsync(Ct, all: true);
        await using var db = await f.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.OrganizationId == ncs.Org.Id && e.Type == AuditEventType.NcsSignatureRefused, Ct));
    }

    [Fact]
    public async Task PresenceWhoseLeaveNeverCame_IsExpiredByTheJob()
    {
        var ncs = await ProjectAsync();
        await SendAsync(ncs, Signed(ncs, "e1", 105, "lobby", 5, 1000));
        f.Clock.Advance(TimeSpan.FromHours(13));
        await using (var scope = f.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PresenceExpiryJob>().RunAsync(Ct);
        var owner = await ApiActors.ClientForAsync(f.App, ncs.Org.OwnerEmail); // hours later: a fresh sign-in
        Assert.Empty((await (await owner.GetAsync(ncs.Channels, Ct)).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task NcsSecret_IsForManagers_AndValidated()
    {
        var ncs = await ProjectAsync();
        var (auditor, _) = await ApiActors.MemberAsync(f.App, ncs.Org.Owner, ncs.Org.Id, "Auditor");
        var path = $"{ncs.Org.Path}/projects/{ncs.ProjectId}/ncs";
        await ProblemAssert.IsProblemAsync(await auditor.PutAsJsonAsync(path, new { secret = "another-secret-000" }, Ct), HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await ncs.Org.Owner.PutAsJsonAsync(path, new { secret = "short" }, Ct), HttpStatusCode.BadRequest, "ncs_secret_invalid");
        var read = await (await auditor.GetAsync(path, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(read.GetProperty("configured").GetBoolean());
        Assert.Equal($"{Secret[..4]}…{Secret[^4..]}", read.GetProperty("secretFingerprint").GetString());
    }

    [Fact]
    public async Task RefreshFromAgora_ReplacesOneChannelsUsersWithAgorasList()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var users = f.Agora.Channels.GetOrAdd((p.AppId, "lobby"), _ => new());
        users[42] = "broadcaster";
        users[7] = "audience";
        var refresh = $"{p.Org.Path}/projects/{p.ProjectId}/channels/refresh?channel=lobby";
        var first = await (await p.Org.Owner.PostAsync(refresh, null, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([(7L, "audience"), (42L, "broadcaster")],
            first[0].GetProperty("users").EnumerateArray().Select(u => (u.GetProperty("uid").GetInt64(), u.GetProperty("role").GetString()!)).OrderBy(u => u.Item2).ToArray());
        Assert.Contains(f.Agora.Requests, r => r.Path == $"/dev/v1/channel/user/{p.AppId}/lobby");

        users.TryRemove(7, out _);
        var second = await (await p.Org.Owner.PostAsync(refresh, null, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(42, Assert.Single(second[0].GetProperty("users").EnumerateArray()).GetProperty("uid").GetInt64());
        await ProblemAssert.IsProblemAsync(await p.Org.Owner.PostAsync($"{p.Org.Path}/projects/{p.ProjectId}/channels/refresh", null, Ct),
            HttpStatusCode.BadRequest, "channel_invalid");
    }

    [Fact]
    public async Task AnAgoraAccount_MakesAtMostTenCallsASecond_CountedInTheDatabase()
    {
        var p = await AgoraOpsHelpers.LinkedProjectAsync(f);
        var other = await AgoraOpsHelpers.LinkedProjectAsync(f);
        f.Clock.Advance(TimeSpan.FromSeconds(1)); // a second of its own
        async Task<bool> AcquireAsync(Guid account)
        {
            await using var scope = f.App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AgoraRateLimiter>().TryAcquireAsync(account, Ct);
        }
        var granted = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => AcquireAsync(p.AccountId)));
        Assert.Equal(AgoraRateLimiter.PerSecond, granted.Count(g => g));
        Assert.True(await AcquireAsync(other.AccountId)); // each account has its own budget

        var before = f.Agora.Requests.Count;
        await ProblemAssert.IsProblemAsync(await p.Org.Owner.PostAsync($"{p.Org.Path}/projects/{p.ProjectId}/channels/refresh?channel=lobby", null, Ct),
            (HttpStatusCode)429, "agora_rate_limited");
        Assert.Equal(before, f.Agora.Requests.Count); // refused before calling Agora
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await AcquireAsync(p.AccountId));
    }
}
