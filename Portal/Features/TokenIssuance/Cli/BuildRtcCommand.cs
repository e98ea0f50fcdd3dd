using System.CommandLine;
using Portal.Tokens;
using Portal.Tokens.Builders;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Features.TokenIssuance.Cli;

/// `Portal token build rtc`: Agora's RtcTokenBuilder2 builders (TOKENS.md §1.9) and, with --format 006,
/// the legacy RtcTokenBuilder (TOKENS.md §2).
internal sealed class BuildRtcCommand
{
    private static readonly IReadOnlyDictionary<string, string> Flags = TokenCli.Flags(
        ("channelName", "--channel"), ("uid", "--uid"), ("account", "--account"), ("rtcAccount", "--account"),
        ("userId", "--rtm-user"), ("role", "--role"), ("privileges", "--privilege-expire"));

    private readonly BuildOptions _common = new(withFormat: true);
    private readonly RtcGrantOptions _grant = new();
    private readonly Option<string> _channel = new("--channel") { HelpName = "CH", Description = "Channel name: 1..63 bytes of a-z A-Z 0-9 space !#$%&()+-:;<=.>?@[]^_{}|~,", Required = true };
    private readonly Option<string> _uid = new("--uid") { HelpName = "N", Description = "Integer uid, 0..4294967295 (0 = any uid). Give --uid or --account." };
    private readonly Option<string> _account = new("--account") { HelpName = "S", Description = "User account (string uid; \"0\" is an account, not the wildcard)." };
    private readonly Option<string> _rtmUser = new("--rtm-user") { HelpName = "USER", Description = "Also grant RTM login to this user for --expire seconds (007 only)." };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var self = new BuildRtcCommand();
        var command = new Command("rtc", "Build an RTC token (optionally with RTM) and print it on one line.");
        self._common.AddTo(command, self._channel, self._uid, self._account);
        self._grant.AddTo(command);
        command.Options.Add(self._rtmUser);
        TokenCli.SetAction(command, error, Flags, parsed =>
        {
            output.WriteLine(self.Build(parsed));
            return TokenCli.Success;
        });
        return command;
    }

    private string Build(ParseResult parsed)
    {
        var uidText = parsed.GetValue(_uid);
        var account = parsed.GetValue(_account);
        if (uidText is not null && account is not null)
            throw TokenCli.UsageError("--account", "options_conflict", "Give --uid or --account, not both.");
        if (uidText is null && account is null)
            throw TokenCli.UsageError("--uid", TokenInputCodes.ValueMissing, "Give --uid (integer) or --account (string).");

        uint? uid = null;
        if (uidText is not null)
        {
            TokenCli.ThrowIf(TokenInputRules.TryParseUid(uidText, out var value));
            uid = value;
        }

        var input = _common.Read(parsed);
        var grant = RtcGrant.Read(parsed, _grant, input.Expire);
        var rtmUser = parsed.GetValue(_rtmUser);
        var channel = parsed.GetValue(_channel)!;
        if (!input.Is006) return Build007(input, channel, uid, account, grant, rtmUser);
        if (rtmUser is not null)
            throw TokenCli.UsageError("--rtm-user", "format_conflict", "--rtm-user needs --format 007: a 006 token carries one service.");
        return Build006(input, channel, uid, account, grant);
    }

    private static string Build007(BuildInput i, string channel, uint? uid, string? account, RtcGrant g, string? rtmUser)
    {
        // Agora's buildTokenWithRtm2: RTC by role (or the four values) plus RTM(rtmUser) with login = token lifetime.
        if (rtmUser is not null)
        {
            return uid is { } u
                ? RtcTokenBuilder.BuildWithUidAndRtm2(i.AppId, i.Certificate, i.IssueTs, i.Salt, channel, u, g.Role, i.Expire,
                    g.Join, g.PublishAudio, g.PublishVideo, g.PublishData, rtmUser, i.Expire)
                : RtcTokenBuilder.BuildWithRtm2(i.AppId, i.Certificate, i.IssueTs, i.Salt, channel, account!, g.Role, i.Expire,
                    g.Join, g.PublishAudio, g.PublishVideo, g.PublishData, rtmUser, i.Expire);
        }

        if (g.PerPrivilege)
        {
            return uid is { } u
                ? RtcTokenBuilder.BuildWithUidAndPrivileges(i.AppId, i.Certificate, i.IssueTs, i.Salt, channel, u, i.Expire,
                    g.Join, g.PublishAudio, g.PublishVideo, g.PublishData)
                : RtcTokenBuilder.BuildWithUserAccountAndPrivileges(i.AppId, i.Certificate, i.IssueTs, i.Salt, channel, account!, i.Expire,
                    g.Join, g.PublishAudio, g.PublishVideo, g.PublishData);
        }

        return uid is { } id
            ? RtcTokenBuilder.BuildWithUid(i.AppId, i.Certificate, i.IssueTs, i.Salt, channel, id, g.Role, i.Expire, g.Join)
            : RtcTokenBuilder.BuildWithUserAccount(i.AppId, i.Certificate, i.IssueTs, i.Salt, channel, account!, g.Role, i.Expire, g.Join);
    }

    private static string Build006(BuildInput i, string channel, uint? uid, string? account, RtcGrant g)
    {
        if (!g.PerPrivilege)
        {
            var role = g.Role == RtcRole.Subscriber ? RtcRole006.Subscriber : RtcRole006.Publisher;
            return uid is { } id
                ? RtcTokenBuilder006.BuildWithUid(i.AppId, i.Certificate, i.Salt, i.MessageTs006, channel, id, role, i.At006(g.Join))
                : RtcTokenBuilder006.BuildWithUserAccount(i.AppId, i.Certificate, i.Salt, i.MessageTs006, channel, account!, role, i.At006(g.Join));
        }

        // The 006 builder has roles only; per-privilege times use the AccessToken it wraps (Agora's addPrivilege).
        TokenCli.ThrowIf(TokenInputRules.ValidateChannelName(channel));
        if (account is not null) TokenCli.ThrowIf(TokenInputRules.ValidateUserAccount(account));
        return AccessToken006.Create(i.AppId, i.Certificate, channel, account ?? AccessToken2.UidText(uid!.Value), i.Salt, i.MessageTs006)
            .WithPrivilege(Privilege006.JoinChannel, i.At006(g.Join))
            .WithPrivilege(Privilege006.PublishAudioStream, i.At006(g.PublishAudio))
            .WithPrivilege(Privilege006.PublishVideoStream, i.At006(g.PublishVideo))
            .WithPrivilege(Privilege006.PublishDataStream, i.At006(g.PublishData))
            .Build();
    }
}
