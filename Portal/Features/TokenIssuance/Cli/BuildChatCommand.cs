using System.CommandLine;
using Portal.Tokens;
using Portal.Tokens.Builders;

namespace Portal.Features.TokenIssuance.Cli;

/// `Portal token build chat`: Agora's ChatTokenBuilder2, a user token (privilege 1) or an app token
/// (privilege 2, empty user id). Chat has no 006 form, so there is no --format.
internal static class BuildChatCommand
{
    private static readonly IReadOnlyDictionary<string, string> Flags = TokenCli.Flags(("userId", "--user"), ("privileges", "--expire"));

    public static Command Create(TextWriter output, TextWriter error)
    {
        var common = new BuildOptions(withFormat: false);
        var user = new Option<string>("--user") { HelpName = "USER", Description = "Chat user id (usually the UUID Chat's user API returns). Give --user or --app." };
        var app = new Option<bool>("--app") { Description = "Build an app token instead of a user token." };
        var command = new Command("chat", "Build a Chat user or app token and print it on one line.");
        common.AddTo(command, user, app);
        TokenCli.SetAction(command, error, Flags, parsed =>
        {
            var userId = parsed.GetValue(user);
            var isApp = parsed.GetValue(app);
            if (userId is not null && isApp)
                throw TokenCli.UsageError("--app", "options_conflict", "Give --user or --app, not both.");
            if (userId is null && !isApp)
                throw TokenCli.UsageError("--user", TokenInputCodes.ValueMissing, "Give --user (user token) or --app (app token).");

            var i = common.Read(parsed);
            output.WriteLine(userId is null
                ? ChatTokenBuilder.BuildApp(i.AppId, i.Certificate, i.IssueTs, i.Salt, i.Expire)
                : ChatTokenBuilder.BuildUser(i.AppId, i.Certificate, i.IssueTs, i.Salt, userId, i.Expire));
            return TokenCli.Success;
        });
        return command;
    }
}
