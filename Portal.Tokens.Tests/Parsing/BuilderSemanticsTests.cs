using System.Text.Json;
using Portal.Tokens.Builders;
using Portal.Tokens.Inspection;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;
using static Portal.Tokens.Tests.MapHelper;

namespace Portal.Tokens.Tests.Parsing;

public sealed class BuilderSemanticsTests
{
    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string Cert = "5CFd2fd1755d40ecb72977518be15d3b";

    private static RtcService Rtc(string token) => Assert.IsType<RtcService>(AccessToken2.Parse(token).Services[0]);

    [Fact]
    public void Uid_0_is_the_empty_wildcard_and_account_0_stays_0()
    {
        Assert.Equal("", Rtc(RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", 0, RtcRole.Publisher, 600)).Uid);
        Assert.Equal("0", Rtc(RtcTokenBuilder.BuildWithUserAccount(AppId, Cert, 1, 1, "c", "0", RtcRole.Publisher, 600)).Uid);
    }

    [Fact]
    public void Verify006_uid_0_means_the_uid_the_builder_signed_as_empty_and_account_0_still_verifies()
    {
        var uid0 = RtcTokenBuilder006.BuildWithUid(AppId, Cert, 1, 1111111, "c", 0, RtcRole006.Publisher, 1111711);
        Assert.True(TokenVerifier.Verify(uid0, new TokenVerifyOptions(Cert) { ChannelName = "c", Uid = "0" }).Valid);
        Assert.True(TokenVerifier.Verify(uid0, new TokenVerifyOptions(Cert) { ChannelName = "c", Uid = "" }).Valid);
        Assert.False(TokenVerifier.Verify(uid0, new TokenVerifyOptions(Cert) { ChannelName = "c", Uid = "1" }).Valid);
        var account0 = RtcTokenBuilder006.BuildWithUserAccount(AppId, Cert, 1, 1111111, "c", "0", RtcRole006.Publisher, 1111711);
        Assert.True(TokenVerifier.Verify(account0, new TokenVerifyOptions(Cert) { ChannelName = "c", Uid = "0" }).Valid);
    }

    [Fact]
    public void Uids_above_int_max_are_written_unsigned()
    {
        Assert.Equal("2882341273", Rtc(RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", 2882341273, RtcRole.Subscriber, 600)).Uid);
        Assert.Equal("4294967295", Rtc(RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", uint.MaxValue, RtcRole.Subscriber, 600)).Uid);
    }

    [Fact]
    public void Publisher_gets_four_privileges_and_subscriber_only_join()
    {
        Assert.Equal(Map((1, 300), (2, 300), (3, 300), (4, 300)),
            Rtc(RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", 5, RtcRole.Publisher, 600, 300)).Privileges);
        Assert.Equal(Map((1, 300)), Rtc(RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", 5, RtcRole.Subscriber, 600, 300)).Privileges);
        Assert.Equal(Map((1, 10), (2, 0), (3, 30), (4, 40)),
            Rtc(RtcTokenBuilder.BuildWithUidAndPrivileges(AppId, Cert, 1, 1, "c", 5, 600, 10, 0, 30, 40)).Privileges);
    }

    [Fact]
    public void Build_with_rtm_gives_rtm_login_the_token_lifetime_and_sorts_rtc_first()
    {
        var parsed = AccessToken2.Parse(RtcTokenBuilder.BuildWithRtm(AppId, Cert, 1, 1, "c", "alice", RtcRole.Subscriber, 600, 60));
        Assert.Equal(new RtcService("c", "alice", Map((1, 60))), parsed.Services[0]);
        Assert.Equal(new RtmService("alice", Map((1, 600))), parsed.Services[1]);

        var reversed = AccessToken2.Parse(AccessToken2.Create(AppId, Cert, 1, 1, 600).WithRtm("u", 600).WithRtc("c", 1u, RtcPrivileges.Publisher(600)).Build());
        Assert.Equal(["rtc", "rtm"], reversed.Services.Select(s => s.Name));
    }

    [Fact]
    public void Repeated_services_keep_insertion_order_within_a_type()
    {
        var parsed = AccessToken2.Parse(AccessToken2.Create(AppId, Cert, 1, 1, 600)
            .WithRtc("b", 2u, RtcPrivileges.Subscriber(600)).WithChatApp(600).WithRtc("a", 1u, RtcPrivileges.Subscriber(600)).Build());
        Assert.Equal(["b", "a"], parsed.Services.OfType<RtcService>().Select(s => s.ChannelName));
        Assert.IsType<ChatService>(parsed.Services[2]);
    }

    [Fact]
    public void Fpa_token_lasts_a_day_with_login_0()
    {
        var parsed = AccessToken2.Parse(FpaTokenBuilder.Build(AppId, Cert, 1, 1));
        Assert.Equal(86400u, parsed.Expire);
        Assert.Equal(new FpaService(Map((1, 0))), parsed.Services.Single());
    }

    [Fact]
    public void Legacy_006_times_are_absolute_and_rtm_puts_the_user_in_the_channel_slot()
    {
        var issued = 1_700_000_000u;
        var token = RtmTokenBuilder006.Build(AppId, Cert, 5, AccessToken006.MessageTsFor(issued), "alice", AccessToken006.ExpiryFor(issued, 3600));
        var parsed = AccessToken006.Parse(token);
        Assert.Equal(issued + 86400, parsed.Ts);
        Assert.Equal(Map((1000, issued + 3600)), parsed.Privileges);
        Assert.True(parsed.VerifySignature(Cert, "alice", ""));
        Assert.Equal(0u, AccessToken006.ExpiryFor(issued, 0));
    }

    [Fact]
    public void Verification_report_checks_app_id_channel_uid_and_expiry()
    {
        var token = AccessToken2.Create(AppId, Cert, 1000, 1, 600).WithRtc("room", 0u, RtcPrivileges.Publisher(300)).Build();
        TokenVerificationReport Verify(TokenVerifyOptions o) => TokenVerifier.Verify(token, o);
        var at = DateTimeOffset.FromUnixTimeSeconds;

        Assert.True(Verify(new(Cert) { AppId = AppId, ChannelName = "room", Uid = "42", Now = at(1200) }).Valid);
        Assert.False(Verify(new(Cert) { AppId = "00000000000000000000000000000000" }).Valid);
        Assert.False(Verify(new(Cert) { ChannelName = "other" }).Valid);
        Assert.False(Verify(new("00000000000000000000000000000000")).Valid);

        var late = Verify(new(Cert) { Now = at(1400) });
        Assert.Equal(TokenCheckStatus.Passed, late.Checks.Single(c => c.Name == "expiry").Status);
        Assert.Equal(TokenCheckStatus.Failed, late.Checks.Single(c => c.Name == "privilege_expiry").Status);
        Assert.Equal(TokenCheckStatus.Failed, Verify(new(Cert) { Now = at(1601) }).Checks.Single(c => c.Name == "expiry").Status);

        using var json = JsonDocument.Parse(late.ToJson());
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("007", json.RootElement.GetProperty("token").GetProperty("version").GetString());
        Assert.Equal("failed", json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "privilege_expiry").GetProperty("status").GetString());
    }

    [Fact]
    public void Decode_json_has_the_vector_inputs_shape()
    {
        var token = AccessToken2.Create(AppId, Cert, 1111111, 1, 600)
            .WithRtm2("u", Rtm2Permissions.Create(new Rtm2Permission(Rtm2ResourceType.User, Rtm2PermissionType.Write, "x", "y")), 600)
            .WithService(new ApaasService("r", "", -1, Map((1, 600))))
            .Build();
        using var doc = JsonDocument.Parse(TokenDecodeJson.Decode(token));
        var root = doc.RootElement;
        Assert.Equal(["version", "appId", "issueTs", "salt", "expire", "services"], root.EnumerateObject().Select(p => p.Name));
        var apaas = root.GetProperty("services")[0];
        Assert.Equal("apaas", apaas.GetProperty("type").GetString());
        Assert.Equal(-1, apaas.GetProperty("role").GetInt32());
        Assert.Equal(600, apaas.GetProperty("privileges").GetProperty("1").GetInt32());
        var rtm2 = root.GetProperty("services")[1];
        Assert.Equal("rtm2", rtm2.GetProperty("type").GetString());
        Assert.Equal(["x", "y"], rtm2.GetProperty("permissions")[0].GetProperty("resources").EnumerateArray().Select(e => e.GetString()));

        var legacy = JsonDocument.Parse(TokenDecodeJson.Decode(RtcTokenBuilder006.BuildWithUid(AppId, Cert, 1, 2, "c", 3, RtcRole006.Subscriber, 4))).RootElement;
        Assert.Equal("006", legacy.GetProperty("version").GetString());
        Assert.Equal(2u, legacy.GetProperty("ts").GetUInt32());
    }
}
