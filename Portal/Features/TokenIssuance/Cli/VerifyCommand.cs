using System.CommandLine;
using Portal.Tokens;
using Portal.Tokens.Inspection;

namespace Portal.Features.TokenIssuance.Cli;

/// `Portal token verify TOKEN`: TokenVerifier's report as JSON on stdout. Exit 0 only when the signature
/// check passed and no other check failed (app id, channel/uid, and with --now the expiries); 1 otherwise,
/// including a malformed token; 2 when the arguments cannot be used.
internal static class VerifyCommand
{
    private static readonly IReadOnlyDictionary<string, string> Flags = TokenCli.Flags();

    public static Command Create(TextWriter output, TextWriter error)
    {
        var token = new Argument<string>("TOKEN") { Description = "A 006 or 007 token." };
        var certificate = new Option<string>("--app-certificate") { HelpName = "HEX32", Description = "App Certificate: 32 hexadecimal characters.", Required = true };
        var appId = new Option<string>("--app-id") { HelpName = "HEX32", Description = "Also check that the token is for this App ID." };
        var channel = new Option<string>("--channel") { HelpName = "CH", Description = "Also check the channel (006: required to verify; for a 006 RTM token, the user id)." };
        var uid = new Option<string>("--uid") { HelpName = "U", Description = "With --channel: the uid (0 or \"\" for uid 0; \"\" for 006 RTM) or the account." };
        var now = new Option<string>("--now") { HelpName = "UNIX", Description = "Check expiry against this time, Unix seconds [default: expiry not checked]." };
        var command = new Command("verify", "Verify a token's signature and print a JSON report. Exit 0 valid, 1 not valid, 2 bad arguments.");
        command.Arguments.Add(token);
        command.Options.Add(certificate);
        command.Options.Add(appId);
        command.Options.Add(channel);
        command.Options.Add(uid);
        command.Options.Add(now);
        TokenCli.SetAction(command, error, Flags, parsed =>
        {
            var options = new TokenVerifyOptions(parsed.GetValue(certificate)!)
            {
                AppId = parsed.GetValue(appId),
                ChannelName = parsed.GetValue(channel),
                Uid = parsed.GetValue(uid),
                Now = TokenCli.ReadUInt(parsed, now) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            };
            TokenCli.ThrowIf(TokenInputRules.ValidateCertificate(options.Certificate));
            if (options.AppId is not null) TokenCli.ThrowIf(TokenInputRules.ValidateAppId(options.AppId));
            if ((options.ChannelName is null) != (options.Uid is null))
            {
                var missing = options.Uid is null ? "--uid" : "--channel";
                throw TokenCli.UsageError(missing, TokenInputCodes.ValueMissing, "--channel and --uid go together (--uid \"\" for uid 0 and for 006 RTM tokens).");
            }

            var report = TokenVerifier.Verify(parsed.GetValue(token), options);
            if (report is { Version: "006", FormatError: null } && options.ChannelName is null)
            {
                throw TokenCli.UsageError("--channel", TokenInputCodes.ValueMissing,
                    "A 006 token signs the channel and uid but stores only their CRC-32s: give --channel and --uid to verify it.");
            }

            output.WriteLine(report.ToJson());
            var signed = report.Checks.Any(c => c is { Name: "signature", Status: TokenCheckStatus.Passed });
            return report.Valid && signed ? TokenCli.Success : TokenCli.Invalid;
        });
        return command;
    }
}
