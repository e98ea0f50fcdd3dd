using Portal.Tokens.Inspection;

namespace Portal.Tests.Cli;

/// `token verify` applies the uid rule of `token build` (uid 0 is signed as ""), and `@` starts a value, not a response file.
public sealed class TokenCliUidTests
{
    [Theory]
    [InlineData("007")]
    [InlineData("006")]
    public async Task Verify_TokenBuiltForUidZero_PassesWithUidZero(string format)
    {
        var token = (await TokenCliHarness.BuildAtVectorTimeAsync("rtc", "--format", format, "--expire", "600", "--channel", "room", "--uid", "0")).Token();
        foreach (var uid in new[] { "0", "" })
        {
            var verified = await TokenCliHarness.RunAsync("token", "verify", token, "--app-certificate", TokenCliHarness.Certificate,
                "--channel", "room", "--uid", uid);
            Assert.True(verified.Code == 0, $"--uid '{uid}': {verified.Output}{verified.Error}");
        }
    }

    [Fact]
    public async Task Verify006_ForAnotherUid_StillFails()
    {
        var token = (await TokenCliHarness.BuildAtVectorTimeAsync("rtc", "--format", "006", "--expire", "600", "--channel", "room", "--uid", "0")).Token();
        var verified = await TokenCliHarness.RunAsync("token", "verify", token, "--app-certificate", TokenCliHarness.Certificate,
            "--channel", "room", "--uid", "7");
        Assert.Equal(1, verified.Code);
    }

    [Theory]
    [InlineData("rtm", "--user")]
    [InlineData("rtc", "--account")]
    public async Task Build_IdsThatBeginWithAt_AreValuesNotResponseFiles(string kind, string flag)
    {
        string[] extra = kind == "rtc" ? ["--channel", "room"] : [];
        var run = await TokenCliHarness.BuildAtVectorTimeAsync(kind, ["--format", "006", "--expire", "600", flag, "@e!x", .. extra]);
        var token = run.Token();
        var channel = kind == "rtc" ? "room" : "@e!x"; // a 006 RTM token signs the user in the channel slot and uid ""
        var uid = kind == "rtc" ? "@e!x" : "";
        Assert.True(TokenVerifier.Verify(token, new TokenVerifyOptions(TokenCliHarness.Certificate) { ChannelName = channel, Uid = uid }).Valid);
    }
}
