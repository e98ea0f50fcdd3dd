using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Inspection;
using Portal.Tokens.Services;

namespace Portal.Tests.Features.TokenIssuance;

public sealed class TokenApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task RtcToken_ForUid_VerifiesAndCarriesWhatWasAsked()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { renewAheadSeconds = 45 });
        var (key, _) = await project.KeyAsync();
        var response = await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc",
            new { channel = "room-1", uid = 4_294_967_295L, role = "subscriber", expireSeconds = 600 }, TestContext.Current.CancellationToken);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("007", body.GetProperty("format").GetString());
        Assert.Equal(project.AppId, body.GetProperty("appId").GetString());
        Assert.Equal("room-1", body.GetProperty("channel").GetString());
        Assert.Equal(4_294_967_295L, body.GetProperty("uid").GetInt64());
        Assert.Equal("subscriber", body.GetProperty("role").GetString());
        Assert.False(body.GetProperty("clamped").GetBoolean());
        var issuedAt = body.GetProperty("issuedAt").GetDateTimeOffset();
        Assert.Equal(issuedAt.AddSeconds(600), body.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(issuedAt.AddSeconds(555), body.GetProperty("renewAfter").GetDateTimeOffset());

        var token = AccessToken2.Parse(body.GetProperty("token").GetString()!);
        Assert.True(token.VerifySignature(project.Certificate));
        Assert.Equal(600u, token.Expire);
        Assert.InRange(token.Salt, 1u, 99_999_999u);
        var rtc = Assert.IsType<RtcService>(Assert.Single(token.Services));
        Assert.Equal(("room-1", "4294967295"), (rtc.ChannelName, rtc.Uid));
        Assert.Equal([1], rtc.Privileges.Keys.Select(k => (int)k)); // subscriber: join only
    }

    [Fact]
    public async Task RtcToken_WithAccountPrivilegesAndRtm_AndLegacy006()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowedServices = new[] { "rtc", "rtm", "chat", "legacy006" } });
        var client = project.Client((await project.KeyAsync()).Key);

        var custom = await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new
        {
            channel = "room-2",
            account = "alice",
            expireSeconds = 900,
            rtmUserId = "alice-rtm",
            privileges = new { join = 900, publishAudio = 300, publishVideo = 0, publishData = 0 },
        })).JsonAsync(HttpStatusCode.OK);
        var parsed = AccessToken2.Parse(custom.GetProperty("token").GetString()!);
        var rtc = Assert.IsType<RtcService>(parsed.Services[0]);
        Assert.Equal("alice", rtc.Uid);
        Assert.Equal(300u, rtc.Privileges[2]);
        Assert.Equal("alice-rtm", Assert.IsType<RtmService>(parsed.Services[1]).UserId);

        var legacy = await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-3", uid = 7, format = "006", expireSeconds = 600 }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("006", legacy.GetProperty("format").GetString());
        var report = TokenVerifier.Verify(legacy.GetProperty("token").GetString(), new TokenVerifyOptions(project.Certificate) { ChannelName = "room-3", Uid = "7" });
        Assert.True(report.Valid);
    }

    [Fact]
    public async Task RtmAndChatTokens_Verify()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowChatAppTokens = true });
        var client = project.Client((await project.KeyAsync(scopes: ["rtc", "rtm", "chat", "chat_app", "verify"])).Key);
        var rtm = await (await client.PostAsJsonAsync("/api/v1/tokens/rtm", new { userId = "bob" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3600, rtm.GetProperty("expireSeconds").GetInt64()); // the policy's default lifetime
        Assert.Equal("bob", Assert.IsType<RtmService>(Assert.Single(AccessToken2.Parse(rtm.GetProperty("token").GetString()!).Services)).UserId);
        var chatUser = await (await client.PostAsJsonAsync("/api/v1/tokens/chat", new { userId = "carol" })).JsonAsync(HttpStatusCode.OK);
        Assert.IsType<ChatService>(Assert.Single(AccessToken2.Parse(chatUser.GetProperty("token").GetString()!).Services));
        var chatApp = await (await client.PostAsJsonAsync("/api/v1/tokens/chat", new { })).JsonAsync(HttpStatusCode.OK);
        Assert.True(AccessToken2.Parse(chatApp.GetProperty("token").GetString()!).VerifySignature(project.Certificate));
    }

    [Fact]
    public async Task ExpireAboveMaximum_IsRejectedOrClampedAsThePolicySays()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { maxLifetimeSeconds = 7200 });
        var client = project.Client((await project.KeyAsync()).Key);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1, expireSeconds = 7201 }),
            HttpStatusCode.BadRequest, "expire_exceeds_policy");
        await project.UpdatePolicyAsync(new { aboveMaximum = "Clamp" });
        await WaitForCacheAsync(app);
        var clamped = await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1, expireSeconds = 86_400 })).JsonAsync(HttpStatusCode.OK);
        Assert.True(clamped.GetProperty("clamped").GetBoolean());
        Assert.Equal(7200, clamped.GetProperty("expireSeconds").GetInt64());
    }

    [Fact]
    public async Task PolicyRules_AreEnforcedWithTheirCodes()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new
        {
            allowedServices = new[] { "rtc" },
            allowedRoles = new[] { "subscriber" },
            defaultRole = "Subscriber",
            allowStringAccounts = false,
            channelPrefixes = new[] { "room-" },
        });
        var client = project.Client((await project.KeyAsync()).Key);
        async Task Refused(string path, object body, HttpStatusCode status, string code) =>
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync(path, body), status, code);

        await Refused("/api/v1/tokens/rtm", new { userId = "u" }, HttpStatusCode.Forbidden, "service_not_allowed");
        await Refused("/api/v1/tokens/rtc", new { channel = "room-1", uid = 1, role = "publisher" }, HttpStatusCode.Forbidden, "role_not_allowed");
        await Refused("/api/v1/tokens/rtc", new { channel = "room-1", uid = 0 }, HttpStatusCode.Forbidden, "uid_wildcard_not_allowed");
        await Refused("/api/v1/tokens/rtc", new { channel = "room-1", account = "alice" }, HttpStatusCode.Forbidden, "account_not_allowed");
        await Refused("/api/v1/tokens/rtc", new { channel = "lobby", uid = 1 }, HttpStatusCode.Forbidden, "channel_not_allowed");
        await Refused("/api/v1/tokens/rtc", new { channel = "room-1", uid = 1, format = "006" }, HttpStatusCode.Forbidden, "format_not_allowed");
        await Refused("/api/v1/tokens/rtc", new { channel = "room-1", uid = 1, expireSeconds = 10 }, HttpStatusCode.BadRequest, "expire_below_policy");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 1 })).StatusCode);
    }

    [Fact]
    public async Task KeyErrors_HaveTheirCodes()
    {
        var project = await TokenProject.CreateAsync(app);
        var rtcOnly = (await project.KeyAsync(scopes: ["rtc"])).Key;
        var (revoked, revokedId) = await project.KeyAsync();
        (await project.Org.Owner.DeleteAsync($"{project.Path}/api-keys/{revokedId}")).EnsureSuccessStatusCode();
        var body = new { channel = "c", uid = 1 };

        await ProblemAssert.IsProblemAsync(await project.Client().PostAsJsonAsync("/api/v1/tokens/rtc", body), HttpStatusCode.Unauthorized, "api_key_missing");
        await ProblemAssert.IsProblemAsync(await project.Client("sk_live_unknown").PostAsJsonAsync("/api/v1/tokens/rtc", body), HttpStatusCode.Unauthorized, "api_key_invalid");
        await ProblemAssert.IsProblemAsync(await project.Client(rtcOnly).PostAsJsonAsync("/api/v1/tokens/rtm", new { userId = "u" }), HttpStatusCode.Forbidden, "scope_missing");
        await WaitForCacheAsync(app);
        await ProblemAssert.IsProblemAsync(await project.Client(revoked).PostAsJsonAsync("/api/v1/tokens/rtc", body), HttpStatusCode.Unauthorized, "api_key_revoked");

        var viaHeader = project.Client();
        viaHeader.DefaultRequestHeaders.Add("X-Api-Key", rtcOnly);
        Assert.Equal(HttpStatusCode.OK, (await viaHeader.PostAsJsonAsync("/api/v1/tokens/rtc", body)).StatusCode);
    }

    [Fact]
    public async Task SecretKeyInUrl_IsRefusedAndAudited()
    {
        var project = await TokenProject.CreateAsync(app);
        var (key, _) = await project.KeyAsync();
        await ProblemAssert.IsProblemAsync(await project.Client().GetAsync($"/compat/{project.ProjectId}/access_token?channel=c&uid=1&key={key}"),
            HttpStatusCode.BadRequest, "secret_key_in_url");
        await ProblemAssert.IsProblemAsync(await project.Client(key).PostAsJsonAsync($"/api/v1/tokens/rtc?key={key}", new { channel = "c", uid = 1 }),
            HttpStatusCode.BadRequest, "secret_key_in_url");
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services);
        var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Portal.Data.PortalDbContext>(scope.ServiceProvider);
        List<Portal.Data.Audit.AuditEvent> Events() =>
            db.AuditEvents.Where(e => e.Type == Portal.Data.Audit.AuditEventType.SecretKeyInUrl && e.OrganizationId == project.Org.Id).ToList();
        // One event per key prefix and address a minute at once; the second request is in the count written when the minute ends.
        Assert.Single(Events());
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Portal.Features.Audit.AuditThrottle>(app.Services)
            .FlushAsync(TestContext.Current.CancellationToken, all: true);
        var events = Events();
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events.Sum(e => System.Text.Json.JsonDocument.Parse(e.Details).RootElement.GetProperty("count").GetInt32()));
        Assert.All(events, e => Assert.DoesNotContain(key, e.Details));
    }

    [Fact]
    public async Task PublishableKey_HonoursAllowedOrigins_AndCors()
    {
        var project = await TokenProject.CreateAsync(app);
        var (key, _) = await project.KeyAsync("publishable", origins: ["https://app.example.com"]);

        var allowed = new HttpRequestMessage(HttpMethod.Get, $"/compat/{project.ProjectId}/access_token?channel=c&uid=1&key={key}");
        allowed.Headers.Add("Origin", "https://app.example.com");
        var ok = await project.Client().SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("https://app.example.com", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var denied = new HttpRequestMessage(HttpMethod.Get, $"/compat/{project.ProjectId}/access_token?channel=c&uid=1&key={key}");
        denied.Headers.Add("Origin", "https://evil.example.net");
        await ProblemAssert.IsProblemAsync(await project.Client().SendAsync(denied), HttpStatusCode.Forbidden, "origin_not_allowed");

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/tokens/rtc");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await project.Client().SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Contains("X-Api-Key", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task KeyOfProjectA_NeverGetsATokenForProjectB()
    {
        var a = await TokenProject.CreateAsync(app);
        var b = await TokenProject.CreateAsync(app, a.Org);
        var (keyA, _) = await a.KeyAsync();
        await ProblemAssert.IsProblemAsync(await a.Client(keyA).GetAsync($"/compat/{b.ProjectId}/access_token?channel=c&uid=1"),
            HttpStatusCode.NotFound, "not_found");
        var token = (await (await a.Client(keyA).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 })).JsonAsync(HttpStatusCode.OK))
            .GetProperty("token").GetString()!;
        Assert.Equal(a.AppId, AccessToken2.Parse(token).AppId);
        Assert.False(AccessToken2.Parse(token).VerifySignature(b.Certificate));
    }

    [Fact]
    public async Task RateLimit_Returns429WithRetryAfter()
    {
        var project = await TokenProject.CreateAsync(app);
        var client = project.Client((await project.KeyAsync(rateLimit: 3)).Key);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 })).StatusCode);
        var limited = await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 });
        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
    }

    [Fact]
    public async Task NoActiveCertificate_AndDisabledProject_AreRefused()
    {
        var project = await TokenProject.CreateAsync(app);
        var client = project.Client((await project.KeyAsync()).Key);
        var ring = await (await project.Org.Owner.GetAsync($"{project.Path}/certificates")).JsonAsync(HttpStatusCode.OK);
        (await project.Org.Owner.DeleteAsync($"{project.Path}/certificates/{ring[0].GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
        await WaitForCacheAsync(app);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 }), HttpStatusCode.Conflict, "no_active_certificate");
        (await project.Org.Owner.PatchAsJsonAsync(project.Path, new { status = "Disabled" })).EnsureSuccessStatusCode();
        await WaitForCacheAsync(app);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 }), HttpStatusCode.Forbidden, "project_disabled");
    }

    [Fact]
    public async Task Verify_AcceptsActiveAndInGracePrevious_AndExplainsFailures()
    {
        var project = await TokenProject.CreateAsync(app);
        var client = project.Client((await project.KeyAsync()).Key);
        var token = (await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 5 })).JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString();

        var ok = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token, channel = "c", uid = 5 })).JsonAsync(HttpStatusCode.OK);
        Assert.True(ok.GetProperty("valid").GetBoolean());
        Assert.Equal("Active", ok.GetProperty("certificate").GetProperty("state").GetString());

        (await project.Org.Owner.PostAsync($"{project.Path}/certificates/rotate", null)).EnsureSuccessStatusCode();
        await WaitForCacheAsync(app);
        var afterRotation = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token })).JsonAsync(HttpStatusCode.OK);
        Assert.True(afterRotation.GetProperty("valid").GetBoolean());
        Assert.Equal("Previous", afterRotation.GetProperty("certificate").GetProperty("state").GetString());

        var mismatch = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token, channel = "other", uid = 5 })).JsonAsync(HttpStatusCode.OK);
        Assert.False(mismatch.GetProperty("valid").GetBoolean());
        Assert.Contains("channel_uid_mismatch", mismatch.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var garbage = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token = "007garbage" })).JsonAsync(HttpStatusCode.OK);
        Assert.StartsWith("malformed:", garbage.GetProperty("reasons")[0].GetString());
    }

    /// The issuance cache is cleared within a second of a change (CacheStampPoller); allow a margin.
    /// The cache reflects every change made so far: one poll of the cache stamp now, instead of waiting for the next tick.
    internal static Task WaitForCacheAsync(PortalAppFactory app) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Portal.Features.TokenIssuance.CacheStampPoller>(app.Services)
            .PollOnceAsync(TestContext.Current.CancellationToken);
}
