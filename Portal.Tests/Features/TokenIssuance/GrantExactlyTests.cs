using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Inspection;
using Portal.Tokens.Services;

namespace Portal.Tests.Features.TokenIssuance;

/// A token carries exactly what was asked for and allowed (issue 14, items 1 and 2).
public sealed class GrantExactlyTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task SubscriberOnlyPolicy_PerPrivilegeJoin_TokenCarriesTheJoinPrivilegeOnly()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowedRoles = new[] { "subscriber" }, defaultRole = "Subscriber" });
        var client = project.Client((await project.KeyAsync()).Key);

        var body = await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 42, privileges = new { join = 3600 } }))
            .JsonAsync(HttpStatusCode.OK);
        var token = body.GetProperty("token").GetString()!;
        var rtc = Assert.IsType<RtcService>(Assert.Single(AccessToken2.Parse(token).Services));
        Assert.Equal([(ushort)RtcPrivilege.JoinChannel], rtc.Privileges.Keys.ToArray());
        Assert.Equal(3600u, rtc.Privileges[(ushort)RtcPrivilege.JoinChannel]);

        // The decoded JSON (what the inspector and `Portal token decode` show) lists the join privilege alone too.
        var decoded = System.Text.Json.JsonDocument.Parse(TokenDecodeJson.Decode(token)).RootElement;
        var privileges = decoded.GetProperty("services")[0].GetProperty("privileges");
        Assert.Equal(["1"], privileges.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Theory]
    [InlineData("publishAudio", 0)]
    [InlineData("publishVideo", 600)]
    [InlineData("publishData", 0)]
    public async Task SubscriberOnlyPolicy_AnyPublishPrivilege_IsRefused(string privilege, int seconds)
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowedRoles = new[] { "subscriber" }, defaultRole = "Subscriber" });
        var client = project.Client((await project.KeyAsync()).Key);
        var privileges = new Dictionary<string, int> { ["join"] = 3600, [privilege] = seconds };
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 42, privileges }),
            HttpStatusCode.Forbidden, "role_not_allowed");
    }

    [Fact]
    public async Task PerPrivilegeRequest_LeavesOutWhatWasNotAsked()
    {
        var project = await TokenProject.CreateAsync(app);
        var client = project.Client((await project.KeyAsync()).Key);
        var body = await (await client.PostAsJsonAsync("/api/v1/tokens/rtc",
            new { channel = "room-1", uid = 42, privileges = new { join = 3600, publishAudio = 1800 } })).JsonAsync(HttpStatusCode.OK);
        var rtc = Assert.IsType<RtcService>(Assert.Single(AccessToken2.Parse(body.GetProperty("token").GetString()!).Services));
        Assert.Equal([(ushort)RtcPrivilege.JoinChannel, (ushort)RtcPrivilege.PublishAudioStream], rtc.Privileges.Keys.ToArray());
    }

    [Fact]
    public async Task ChatAppToken_NeedsSecretKeyScopeAndPolicy_EachRefusalSaysWhichIsMissing()
    {
        var project = await TokenProject.CreateAsync(app);
        var chatOnly = project.Client((await project.KeyAsync(scopes: ["chat"])).Key);
        var withScope = project.Client((await project.KeyAsync(scopes: ["chat", "chat_app"])).Key);
        var publishable = project.Client((await project.KeyAsync(kind: "publishable", scopes: ["chat"])).Key);

        // Off by default in the policy.
        await ProblemAssert.IsProblemAsync(await withScope.PostAsJsonAsync("/api/v1/tokens/chat", new { }), HttpStatusCode.Forbidden, "chat_app_not_allowed");
        await project.UpdatePolicyAsync(new { allowChatAppTokens = true });
        await TokenApiTests.WaitForCacheAsync(app);

        await ProblemAssert.IsProblemAsync(await chatOnly.PostAsJsonAsync("/api/v1/tokens/chat", new { }), HttpStatusCode.Forbidden, "scope_missing");
        await ProblemAssert.IsProblemAsync(await publishable.PostAsJsonAsync("/api/v1/tokens/chat", new { }), HttpStatusCode.Forbidden,
            "chat_app_not_for_publishable_keys");
        // The drop-in getToken route without a uid asks for the same app token.
        await ProblemAssert.IsProblemAsync(await chatOnly.PostAsJsonAsync($"/compat/{project.ProjectId}/getToken", new { tokenType = "chat" }),
            HttpStatusCode.Forbidden, "scope_missing");

        var allowed = await (await withScope.PostAsJsonAsync("/api/v1/tokens/chat", new { })).JsonAsync(HttpStatusCode.OK);
        var chat = Assert.IsType<ChatService>(Assert.Single(AccessToken2.Parse(allowed.GetProperty("token").GetString()!).Services));
        Assert.Equal("", chat.UserId);
        var compat = await (await withScope.PostAsJsonAsync($"/compat/{project.ProjectId}/getToken", new { tokenType = "chat" })).JsonAsync(HttpStatusCode.OK);
        Assert.True(AccessToken2.Parse(compat.GetProperty("token").GetString()!).VerifySignature(project.Certificate));

        // User tokens need none of this.
        await (await chatOnly.PostAsJsonAsync("/api/v1/tokens/chat", new { userId = "carol" })).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PublishableKey_CannotBeCreatedWithTheChatAppScope()
    {
        var project = await TokenProject.CreateAsync(app);
        var response = await project.Org.Owner.PostAsJsonAsync($"{project.Path}/api-keys",
            new { name = "web", kind = "publishable", scopes = new[] { "chat", "chat_app" }, allowedOrigins = new[] { "https://app.example.com" } });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "scope_not_for_publishable_keys");
    }

    [Fact]
    public async Task Verify006_ForUidZero_AcceptsTheGenuineToken()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new
        {
            allowedServices = new[] { "rtc", "rtm", "chat", "legacy006" },
            allowUidWildcard = true,
        });
        var client = project.Client((await project.KeyAsync()).Key);
        var issued = await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-0", uid = 0, format = "006" })).JsonAsync(HttpStatusCode.OK);
        var token = issued.GetProperty("token").GetString();

        foreach (object uid in new object[] { 0, "0", "" })
        {
            var verified = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token, channel = "room-0", uid })).JsonAsync(HttpStatusCode.OK);
            Assert.True(verified.GetProperty("valid").GetBoolean(), $"uid {uid}: {verified}");
        }
        Assert.True(TokenVerifier.Verify(token, new TokenVerifyOptions(project.Certificate) { ChannelName = "room-0", Uid = "0" }).Valid);
    }
}
