using System.CommandLine;
using Portal.Tokens.Builders;
using Portal.Tokens.Legacy;

namespace Portal.Features.TokenIssuance.Cli;

/// `Portal token build rtm`: Agora's RtmTokenBuilder2 (login = --expire) or, with --format 006, the legacy
/// RtmTokenBuilder, whose token signs the user in the channel slot and an empty uid (TOKENS.md §2).
internal static class BuildRtmCommand
{
    // In 006 the user id travels in the channel slot, so engine errors about "channelName" are about --user.
    private static readonly IReadOnlyDictionary<string, string> Flags = TokenCli.Flags(
        ("userId", "--user"), ("channelName", "--user"), ("privileges", "--expire"));

    public static Command Create(TextWriter output, TextWriter error)
    {
        var common = new BuildOptions(withFormat: true);
        var user = new Option<string>("--user") { HelpName = "USER", Description = "RTM user id: 1..64 printable ASCII characters, not starting with a space.", Required = true };
        var command = new Command("rtm", "Build an RTM login token and print it on one line.");
        common.AddTo(command, user);
        TokenCli.SetAction(command, error, Flags, parsed =>
        {
            var i = common.Read(parsed);
            var userId = parsed.GetValue(user)!;
            output.WriteLine(i.Is006
                ? RtmTokenBuilder006.Build(i.AppId, i.Certificate, i.Salt, i.MessageTs006, userId, i.At006(i.Expire))
                : RtmTokenBuilder.Build(i.AppId, i.Certificate, i.IssueTs, i.Salt, userId, i.Expire));
            return TokenCli.Success;
        });
        return command;
    }
}
