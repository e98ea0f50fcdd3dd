using System.Text.Json;
using Portal.Tokens.Inspection;
using static Portal.Tests.Cli.TokenCliHarness;

namespace Portal.Tests.Cli;

/// `Portal token decode` and `Portal token verify`.
public sealed class TokenCliInspectTests
{
    private const string OtherCertificate = "00000000000000000000000000000000";

    [Fact]
    public async Task Decode_PrintsTheVectorInputsShape()
    {
        var run = await RunAsync("token", "decode", VectorToken("007-rtc-join-uid"));

        Assert.Equal(0, run.Code);
        Assert.Equal(TokenDecodeJson.Decode(VectorToken("007-rtc-join-uid")) + "\n", run.Output);
        var json = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal("007", json.GetProperty("version").GetString());
        Assert.Equal(1111111u, json.GetProperty("issueTs").GetUInt32());
        var rtc = Assert.Single(json.GetProperty("services").EnumerateArray());
        Assert.Equal("rtc", rtc.GetProperty("type").GetString());
        Assert.Equal("2882341273", rtc.GetProperty("uid").GetString());
        Assert.Equal(600u, rtc.GetProperty("privileges").GetProperty("1").GetUInt32());
    }

    [Fact]
    public async Task Decode_MalformedToken_Exits1WithTheFormatCodeOnOneLine()
    {
        var run = await RunAsync("token", "decode", VectorToken("007-malformed-truncated"));

        Assert.Equal(1, run.Code);
        Assert.Equal("", run.Output);
        Assert.Matches(@"^TOKEN: [a-z0-9_]+: [^\n]+\n$", run.Error);
    }

    [Fact]
    public async Task Verify_ValidToken_Exits0WithAReportOfEachCheck()
    {
        var run = await RunAsync("token", "verify", VectorToken("007-rtc-join-uid"), "--app-certificate", Certificate, "--app-id", AppId,
            "--channel", Channel, "--uid", "2882341273", "--now", "1111711");

        Assert.True(run.Code == 0, run.Output + run.Error);
        var report = JsonDocument.Parse(run.Output).RootElement;
        Assert.True(report.GetProperty("valid").GetBoolean());
        Assert.All(report.GetProperty("checks").EnumerateArray(), c => Assert.Equal("passed", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Verify_WrongCertificate_Exits1()
    {
        var run = await RunAsync("token", "verify", VectorToken("007-rtc-join-uid"), "--app-certificate", OtherCertificate);

        Assert.Equal(1, run.Code);
        Assert.Equal("failed", Check(run, "signature"));
    }

    [Fact]
    public async Task Verify_ExpiredAtNow_Exits1()
    {
        var run = await RunAsync("token", "verify", VectorToken("007-rtc-join-uid"), "--app-certificate", Certificate, "--now", "1111712");

        Assert.Equal(1, run.Code);
        Assert.Equal("passed", Check(run, "signature"));
        Assert.Equal("failed", Check(run, "expiry"));
    }

    [Fact]
    public async Task Verify_MalformedToken_Exits1WithTheFormatCheckFailed()
    {
        var run = await RunAsync("token", "verify", VectorToken("007-malformed-truncated"), "--app-certificate", Certificate);

        Assert.Equal(1, run.Code);
        Assert.Equal("failed", Check(run, "format"));
    }

    [Fact]
    public async Task Verify_Rtc006_NeedsChannelAndUid()
    {
        var token = (await BuildAtVectorTimeAsync("rtc", "--format", "006", "--channel", Channel, "--uid", "42", "--expire", "600")).Token();

        var valid = await RunAsync("token", "verify", token, "--app-certificate", Certificate, "--channel", Channel, "--uid", "42", "--now", "1111711");
        Assert.True(valid.Code == 0, valid.Output + valid.Error);
        Assert.Equal("passed", Check(valid, "signature"));

        Assert.Equal(1, (await RunAsync("token", "verify", token, "--app-certificate", Certificate, "--channel", Channel, "--uid", "43")).Code);
        Assert.Equal(1, (await RunAsync("token", "verify", token, "--app-certificate", Certificate, "--channel", Channel, "--uid", "42", "--now", "1111712")).Code);
        Assert.StartsWith("--channel: value_missing: ", (await RunAsync("token", "verify", token, "--app-certificate", Certificate)).UsageError());
    }

    [Fact]
    public async Task Verify_Rtm006_TakesTheUserAsChannelAndAnEmptyUid()
    {
        var token = (await BuildAtVectorTimeAsync("rtm", "--format", "006", "--user", "test_user", "--expire", "600")).Token();

        var run = await RunAsync("token", "verify", token, "--app-certificate", Certificate, "--channel", "test_user", "--uid", "");

        Assert.True(run.Code == 0, run.Output + run.Error);
        Assert.Equal("passed", Check(run, "channel_uid"));
    }

    [Fact]
    public async Task BuildDecodeVerify_RoundTripThroughTheCli()
    {
        var token = (await RunAsync("token", "build", "rtc", "--app-id", AppId, "--app-certificate", Certificate,
            "--channel", "room 1", "--account", "alice", "--expire", "3600", "--rtm-user", "alice")).Token();

        var decoded = await RunAsync("token", "decode", token);
        Assert.Equal(0, decoded.Code);
        var services = JsonDocument.Parse(decoded.Output).RootElement.GetProperty("services").EnumerateArray()
            .Select(s => s.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["rtc", "rtm"], services);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var verified = await RunAsync("token", "verify", token, "--app-certificate", Certificate, "--app-id", AppId,
            "--channel", "room 1", "--uid", "alice", "--now", now);
        Assert.True(verified.Code == 0, verified.Output + verified.Error);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(decoded.Output).RootElement,
            JsonDocument.Parse(verified.Output).RootElement.GetProperty("token")));
    }

    private static string? Check(CliRun run, string name) =>
        JsonDocument.Parse(run.Output).RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString();
}
