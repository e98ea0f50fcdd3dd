using System.Diagnostics;
using System.Text.Json;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Builders;
using Portal.Tokens.Inspection;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;
using static Portal.Tests.Cli.TokenCliHarness;

namespace Portal.Tests.Cli;

/// `Portal token build ...`. A 007 vector's string comes from another zlib encoder, so a build from the vector's
/// inputs is compared by content (decoded JSON, which covers every signed field) and to the engine builder's exact string.
public sealed class TokenCliTests
{
    [Theory]
    [InlineData("007-rtc-join-uid", "--uid", "2882341273")]
    [InlineData("007-rtc-join-uid0", "--uid", "0")]
    [InlineData("007-rtc-join-uid", "--account", "2882341273")] // TOKENS.md §1.8: the account text gives the same bytes
    public async Task BuildRtc_Subscriber_WithVectorInputs_HasTheVectorsContent(string vector, string flag, string value)
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--channel", Channel, flag, value, "--role", "subscriber", "--expire", "600")).Token();

        Assert.Equal(TokenDecodeJson.Decode(VectorToken(vector)), TokenDecodeJson.Decode(token));
        var uid = vector == "007-rtc-join-uid0" ? 0u : 2882341273u;
        Assert.Equal(RtcTokenBuilder.BuildWithUid(AppId, Certificate, IssueTs, 1, Channel, uid, RtcRole.Subscriber, 600, 600), token);
    }

    [Fact]
    public async Task BuildRtc_PublisherIsTheDefaultRole_AndRtmUserAddsRtmLogin_MatchesVector()
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--channel", Channel, "--uid", "2882341273", "--expire", "600", "--rtm-user", "test_user")).Token();

        Assert.Equal(TokenDecodeJson.Decode(VectorToken("007-rtc-publisher-plus-rtm")), TokenDecodeJson.Decode(token));
    }

    [Fact]
    public async Task BuildRtc_PrivilegeExpire_AppliesToTheRolesPrivileges()
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--channel", Channel, "--account", "alice", "--expire", "600", "--privilege-expire", "300")).Token();

        Assert.Equal(RtcTokenBuilder.BuildWithUserAccount(AppId, Certificate, IssueTs, 1, Channel, "alice", RtcRole.Publisher, 600, 300), token);
    }

    [Fact]
    public async Task BuildRtc_PerPrivilegeFlags_BuildEachPrivilegeWithItsOwnExpiry()
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--channel", Channel, "--uid", "42", "--expire", "600",
            "--join", "600", "--publish-audio", "300", "--publish-video", "0", "--publish-data", "100")).Token();

        Assert.Equal(RtcTokenBuilder.BuildWithUidAndPrivileges(AppId, Certificate, IssueTs, 1, Channel, 42, 600, 600, 300, 0, 100), token);
    }

    [Fact]
    public async Task BuildRtc_RtmUserWithAccountAndSubscriber_IsAgorasBuildTokenWithRtm2()
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--channel", Channel, "--account", "alice", "--role", "subscriber",
            "--expire", "600", "--privilege-expire", "60", "--rtm-user", "bob")).Token();

        Assert.Equal(RtcTokenBuilder.BuildWithRtm2(AppId, Certificate, IssueTs, 1, Channel, "alice", RtcRole.Subscriber, 600, 60, 0, 0, 0, "bob", 600), token);
    }

    [Theory]
    [InlineData("publisher", RtcRole006.Publisher)]
    [InlineData("subscriber", RtcRole006.Subscriber)]
    public async Task BuildRtc_Format006_TimesAreIssueTimePlusSeconds_ExactString(string role, RtcRole006 role006)
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--format", "006", "--channel", Channel, "--uid", "2882341273", "--role", role, "--expire", "600")).Token();

        Assert.Equal(RtcTokenBuilder006.BuildWithUid(AppId, Certificate, 1, IssueTs + 86400, Channel, 2882341273, role006, IssueTs + 600), token);
        var decoded = JsonDocument.Parse(TokenDecodeJson.Decode(token)).RootElement;
        Assert.Equal(IssueTs + 86400, decoded.GetProperty("ts").GetUInt32());
        Assert.Equal(IssueTs + 600, decoded.GetProperty("privileges").GetProperty("1").GetUInt32());
    }

    [Fact]
    public async Task BuildRtc_Format006_PerPrivilegeFlags_AreAbsoluteTimes()
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--format", "006", "--channel", Channel, "--account", "0", "--expire", "600",
            "--join", "600", "--publish-audio", "60", "--publish-video", "60", "--publish-data", "0")).Token();

        var expected = AccessToken006.Create(AppId, Certificate, Channel, "0", 1, IssueTs + 86400)
            .WithPrivilege(Privilege006.JoinChannel, IssueTs + 600).WithPrivilege(Privilege006.PublishAudioStream, IssueTs + 60)
            .WithPrivilege(Privilege006.PublishVideoStream, IssueTs + 60).WithPrivilege(Privilege006.PublishDataStream, 0).Build();
        Assert.Equal(expected, token);
    }

    [Fact]
    public async Task BuildRtm_MatchesVector()
    {
        var token = (await BuildAtVectorTimeAsync("rtm", "--user", "test_user", "--expire", "600")).Token();

        Assert.Equal(TokenDecodeJson.Decode(VectorToken("007-rtm-login")), TokenDecodeJson.Decode(token));
        Assert.Equal(RtmTokenBuilder.Build(AppId, Certificate, IssueTs, 1, "test_user", 600), token);
    }

    [Fact]
    public async Task BuildRtm_Format006_PutsTheUserInTheChannelSlot_ExactString()
    {
        var token = (await BuildAtVectorTimeAsync("rtm", "--format", "006", "--user", "test_user", "--expire", "600")).Token();

        Assert.Equal(RtmTokenBuilder006.Build(AppId, Certificate, 1, IssueTs + 86400, "test_user", IssueTs + 600), token);
        Assert.True(AccessToken006.Parse(token).VerifySignature(Certificate, "test_user", ""));
    }

    [Theory]
    [InlineData("007-chat-user", "--user", "2882341273")]
    [InlineData("007-chat-app", "--app", null)]
    public async Task BuildChat_MatchesVector(string vector, string flag, string? value)
    {
        string[] who = value is null ? [flag] : [flag, value];
        var token = (await BuildAtVectorTimeAsync("chat", [.. who, "--expire", "600"])).Token();

        Assert.Equal(TokenDecodeJson.Decode(VectorToken(vector)), TokenDecodeJson.Decode(token));
    }

    [Fact]
    public async Task Build_WithoutIssuedAtAndSalt_UsesNowAndARandomSalt()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string[] args = ["token", "build", "rtm", "--app-id", AppId, "--app-certificate", Certificate, "--user", "u", "--expire", "60"];
        var first = AccessToken2.Parse((await RunAsync(args)).Token());
        var second = AccessToken2.Parse((await RunAsync(args)).Token());
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.InRange(first.IssueTs, before, after);
        Assert.InRange(first.Salt, 1u, 99_999_999u);
        Assert.NotEqual(first.Salt, second.Salt); // a repeat is a 1-in-10^8 event
    }

    [Fact]
    public async Task RealProgram_RoutesTokenToTheCommandLine()
    {
        string[] args = ["token", "build", "rtc", "--app-id", AppId, "--app-certificate", Certificate, "--channel", Channel,
            "--uid", "2882341273", "--role", "subscriber", "--expire", "600", "--issued-at", "1111111", "--salt", "1"];
        var start = new ProcessStartInfo("dotnet", [PortalBinary.DllPath, .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(PortalBinary.DllPath)!,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal((await RunAsync(args)).Output, await stdout);
    }
}
