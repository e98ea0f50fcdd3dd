using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Usage;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Tests.Features.TokenIssuance;

public sealed class CompatAndCacheTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task DropInRoutes_AnswerInTheShapesAppsExpect()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowUidWildcard = true });
        var (key, _) = await project.KeyAsync("publishable");
        var client = project.Client();
        var root = $"/compat/{project.ProjectId}";

        var ping = await (await client.GetAsync($"{root}/ping")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("pong", ping.GetProperty("message").GetString());

        var tutorial = await (await client.GetAsync($"{root}/access_token?channel=demo&uid=0&expiredTs=60&key={key}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["token"], tutorial.EnumerateObject().Select(p => p.Name));
        var parsed = AccessToken2.Parse(tutorial.GetProperty("token").GetString()!);
        Assert.Equal(60u, parsed.Expire);
        Assert.Equal("", Assert.IsType<RtcService>(parsed.Services[0]).Uid);

        var absolute = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var untilTime = await (await client.GetAsync($"{root}/access_token?channel=demo&uid=9&expiredTs={absolute}&key={key}")).JsonAsync(HttpStatusCode.OK);
        Assert.InRange(AccessToken2.Parse(untilTime.GetProperty("token").GetString()!).Expire, 595u, 600u);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"{root}/access_token?channel=demo&uid=9&expiredTs=1000000000&key={key}"),
            HttpStatusCode.BadRequest, "expire_in_past");

        var rtc = await (await client.GetAsync($"{root}/rtc/demo/audience/userAccount/alice?expiry=600&key={key}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("alice", Assert.IsType<RtcService>(AccessToken2.Parse(rtc.GetProperty("rtcToken").GetString()!).Services[0]).Uid);
        var rtm = await (await client.GetAsync($"{root}/rtm/alice?expiry=600&key={key}")).JsonAsync(HttpStatusCode.OK);
        Assert.IsType<RtmService>(AccessToken2.Parse(rtm.GetProperty("rtmToken").GetString()!).Services[0]);
        var rte = await (await client.GetAsync($"{root}/rte/demo/publisher/uid/42?key={key}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["rtcToken", "rtmToken"], rte.EnumerateObject().Select(p => p.Name));
        var getToken = await (await client.PostAsJsonAsync($"{root}/getToken?key={key}", new { tokenType = "rtc", channel = "demo", role = "publisher", uid = "42", expire = 600 }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.True(AccessToken2.Parse(getToken.GetProperty("token").GetString()!).VerifySignature(project.Certificate));
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"{root}/rtc/demo/king/uid/1?key={key}"), HttpStatusCode.BadRequest, "role_invalid");
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"{root}/nothing"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Revocation_ReachesAWarmCache_WithinFiveSeconds()
    {
        var project = await TokenProject.CreateAsync(app);
        var (key, id) = await project.KeyAsync();
        var client = project.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 })).StatusCode); // warm

        (await project.Org.Owner.DeleteAsync($"{project.Path}/api-keys/{id}")).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 })).StatusCode;
            if (status == HttpStatusCode.Unauthorized) break;
            await Task.Delay(100);
        } while (clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Rotation_ReachesAWarmCache_WithinFiveSeconds()
    {
        var project = await TokenProject.CreateAsync(app);
        var client = project.Client((await project.KeyAsync()).Key);
        await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 });
        (await project.Org.Owner.PostAsync($"{project.Path}/certificates/rotate", null)).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        bool signedByOld;
        do
        {
            var token = (await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 })).JsonAsync(HttpStatusCode.OK))
                .GetProperty("token").GetString()!;
            signedByOld = AccessToken2.Parse(token).VerifySignature(project.Certificate);
            if (!signedByOld) break;
            await Task.Delay(100);
        } while (clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.False(signedByOld);
    }

    [Fact]
    public async Task UsageCounts_EqualTheTokensIssued_AfterAConcurrentBurst()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowedRoles = new[] { "publisher" } });
        var (key, keyId) = await project.KeyAsync(rateLimit: 100_000);
        var client = project.Client(key);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.PostAsJsonAsync("/api/v1/tokens/rtc",
            i % 10 == 0 ? new { channel = "c", uid = 1L, role = "subscriber" } : new { channel = "c", uid = (long)i + 1, role = "publisher" })));
        Assert.Equal(180, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(20, results.Count(r => r.StatusCode == HttpStatusCode.Forbidden));

        await app.Services.GetRequiredService<UsageFlusher>().FlushAsync(CancellationToken.None);
        var usage = await (await project.Org.Owner.GetAsync($"{project.Path}/usage")).JsonAsync(HttpStatusCode.OK);
        var day = Assert.Single(usage.GetProperty("days").EnumerateArray());
        Assert.Equal("rtc", day.GetProperty("service").GetString());
        Assert.Equal(180, day.GetProperty("issued").GetInt64());
        Assert.Equal(20, day.GetProperty("refused").GetProperty("role_not_allowed").GetInt64());

        await Task.Delay(100);
        var keys = await (await project.Org.Owner.GetAsync($"{project.Path}/api-keys")).JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, keys.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == keyId).GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task ApiKeys_AreShownOnceAndStoredAsHashWithPrefix()
    {
        var project = await TokenProject.CreateAsync(app);
        var (key, id) = await project.KeyAsync("publishable", scopes: ["rtc"], origins: ["https://app.example.com"]);
        Assert.StartsWith("pk_live_", key);
        var listed = await project.Org.Owner.GetStringAsync($"{project.Path}/api-keys");
        Assert.DoesNotContain(key, listed);
        Assert.Contains(key[..12], listed);
        await ProblemAssert.IsProblemAsync(await project.Org.Owner.PostAsJsonAsync($"{project.Path}/api-keys",
            new { name = "s", kind = "secret", allowedOrigins = new[] { "https://x.example.com" } }), HttpStatusCode.BadRequest, "origins_not_for_secret_keys");
        await ProblemAssert.IsProblemAsync(await project.Org.Owner.PostAsJsonAsync($"{project.Path}/api-keys",
            new { name = "s", kind = "magic" }), HttpStatusCode.BadRequest, "kind_invalid");
        var (auditor, _) = await ApiActors.MemberAsync(app, project.Org.Owner, project.Org.Id, "Auditor");
        await ProblemAssert.IsProblemAsync(await auditor.DeleteAsync($"{project.Path}/api-keys/{id}"), HttpStatusCode.Forbidden, "role_forbidden");
    }
}
