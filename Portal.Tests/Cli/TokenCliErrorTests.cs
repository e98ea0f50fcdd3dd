using static Portal.Tests.Cli.TokenCliHarness;

namespace Portal.Tests.Cli;

/// Bad arguments: exit 2, nothing on stdout, one stderr line `--flag: code: message`.
public sealed class TokenCliErrorTests
{
    private static readonly string[] Rtc = ["token", "build", "rtc", "--app-id", AppId, "--app-certificate", Certificate, "--channel", Channel, "--expire", "600"];

    public static TheoryData<string[], string> Cases => new()
    {
        { ["token", "build", "rtc", "--app-certificate", Certificate, "--channel", Channel, "--uid", "1", "--expire", "600"], "--app-id: value_missing: " },
        { [.. Rtc, "--uid", "abc"], "--uid: uid_out_of_range: " },
        { [.. Rtc, "--uid", "-1"], "--uid: uid_out_of_range: " },
        { [.. Rtc, "--uid", "4294967296"], "--uid: uid_out_of_range: " },
        { [.. Rtc, "--uid", "1", "--account", "alice"], "--account: options_conflict: " },
        { [.. Rtc], "--uid: value_missing: " },
        { [.. Rtc, "--uid", "1", "--frobnicate"], "--frobnicate: argument_unknown: " },
        { ["token", "build", "rtc", "--app-id", AppId, "--app-certificate", "not-a-certificate", "--channel", Channel, "--uid", "1", "--expire", "600"], "--app-certificate: certificate_invalid: " },
        { ["token", "build", "rtc", "--app-id", "xyz", "--app-certificate", Certificate, "--channel", Channel, "--uid", "1", "--expire", "600"], "--app-id: app_id_invalid: " },
        { ["token", "build", "rtc", "--app-id", AppId, "--app-certificate", Certificate, "--channel", new string('c', 64), "--uid", "1", "--expire", "600"], "--channel: channel_too_long: " },
        { [.. Rtc, "--account", "a/b"], "--account: account_invalid: " },
        { [.. Rtc, "--uid", "1", "--expire", "1"], "--expire: argument_invalid: " },
        { ["token", "build", "rtc", "--app-id", AppId, "--app-certificate", Certificate, "--channel", Channel, "--uid", "1", "--expire", "soon"], "--expire: number_invalid: " },
        { ["token", "build", "rtc", "--app-id", AppId, "--app-certificate", Certificate, "--channel", Channel, "--uid", "1", "--expire", "86401"], "--expire: expire_out_of_range: " },
        { [.. Rtc, "--uid", "1", "--salt", "0"], "--salt: salt_out_of_range: " },
        { [.. Rtc, "--uid", "1", "--salt", "100000000"], "--salt: salt_out_of_range: " },
        { [.. Rtc, "--uid", "1", "--issued-at", "1.5"], "--issued-at: number_invalid: " },
        { [.. Rtc, "--uid", "1", "--role", "admin"], "--role: role_invalid: " },
        { [.. Rtc, "--uid", "1", "--privilege-expire", "601"], "--privilege-expire: privilege_expire_out_of_range: " },
        { [.. Rtc, "--uid", "1", "--role", "publisher", "--join", "1", "--publish-audio", "1", "--publish-video", "1", "--publish-data", "1"], "--role: options_conflict: " },
        { [.. Rtc, "--uid", "1", "--join", "60", "--publish-audio", "60"], "--publish-video: value_missing: " },
        { [.. Rtc, "--uid", "1", "--join", "60", "--publish-audio", "60", "--publish-video", "601", "--publish-data", "0"], "--publish-video: privilege_expire_out_of_range: " },
        { [.. Rtc, "--uid", "1", "--rtm-user", "bob", "--format", "006"], "--rtm-user: format_conflict: " },
        { [.. Rtc, "--uid", "1", "--rtm-user", " bob"], "--rtm-user: rtm_user_invalid: " },
        { [.. Rtc, "--uid", "1", "--format", "008"], "--format: format_invalid: " },
        { ["token", "build", "rtm", "--app-id", AppId, "--app-certificate", Certificate, "--user", " x", "--expire", "60"], "--user: rtm_user_invalid: " },
        { ["token", "build", "rtm", "--app-id", AppId, "--app-certificate", Certificate, "--user", " x", "--expire", "60", "--format", "006"], "--user: rtm_user_invalid: " },
        { ["token", "build", "rtm", "--app-id", AppId, "--app-certificate", Certificate, "--expire", "60"], "--user: value_missing: " },
        { ["token", "build", "chat", "--app-id", AppId, "--app-certificate", Certificate, "--user", "u", "--app", "--expire", "60"], "--app: options_conflict: " },
        { ["token", "build", "chat", "--app-id", AppId, "--app-certificate", Certificate, "--expire", "60"], "--user: value_missing: " },
        { ["token", "build", "chat", "--app-id", AppId, "--app-certificate", Certificate, "--app", "--expire", "60", "--format", "006"], "--format: argument_unknown: " },
        { ["token", "verify", "007abc", "--app-certificate", "bad"], "--app-certificate: certificate_invalid: " },
        { ["token", "verify", "007abc"], "--app-certificate: value_missing: " },
        { ["token", "verify", "007abc", "--app-certificate", Certificate, "--app-id", "bad"], "--app-id: app_id_invalid: " },
        { ["token", "verify", "007abc", "--app-certificate", Certificate, "--channel", Channel], "--uid: value_missing: " },
        { ["token", "verify", "007abc", "--app-certificate", Certificate, "--uid", "1"], "--channel: value_missing: " },
        { ["token", "verify", "007abc", "--app-certificate", Certificate, "--now", "yesterday"], "--now: number_invalid: " },
        { ["token", "decode"], "TOKEN: value_missing: " },
        { ["token", "decode", "a", "b"], "b: argument_unknown: " },
        { ["token"], "token: command_invalid: " },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadArguments_Exit2_WithOneLineNamingTheFlag(string[] args, string expectedStart)
    {
        var line = (await RunAsync(args)).UsageError();

        Assert.StartsWith(expectedStart, line);
    }

    [Fact]
    public async Task Errors_NeverEchoTheCertificate()
    {
        // A certificate typed where a number belongs must not end up on stderr.
        var line = (await RunAsync([.. Rtc, "--uid", Certificate])).UsageError();

        Assert.DoesNotContain(Certificate, line);
    }

    [Fact]
    public async Task Help_ForABuildCommand_Exits0()
    {
        var run = await RunAsync("token", "build", "rtc", "--help");

        Assert.Equal(0, run.Code);
        Assert.Contains("--rtm-user", run.Output);
    }
}
