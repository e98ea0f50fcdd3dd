using System.CommandLine;

namespace Portal.Features.TokenIssuance.Cli;

/// `Portal token build|decode|verify`: the token engine (Portal.Tokens) on the command line. Offline: no
/// database, no web host, no configuration. Bad arguments print `--flag: code: message` on stderr and exit 2.
internal static class TokenCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var build = new Command("build", "Build a token and print it alone on one line. Without --issued-at/--salt: now and a random salt.");
        build.Subcommands.Add(BuildRtcCommand.Create(output, error));
        build.Subcommands.Add(BuildRtmCommand.Create(output, error));
        build.Subcommands.Add(BuildChatCommand.Create(output, error));

        var token = new Command("token", "Build, decode and verify Agora tokens offline. Exit 2 on bad arguments (one line on stderr naming the flag).");
        token.Subcommands.Add(build);
        token.Subcommands.Add(DecodeCommand.Create(output, error));
        token.Subcommands.Add(VerifyCommand.Create(output, error));
        return token;
    }
}
