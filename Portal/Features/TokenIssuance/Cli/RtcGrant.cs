using System.CommandLine;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Features.TokenIssuance.Cli;

/// The RTC privileges of `token build rtc`: either a role (publisher: join + publish audio/video/data,
/// subscriber: join; all = --privilege-expire, default --expire) or, with the four per-privilege flags,
/// each privilege with its own expiry and no role. The four flags go together: a missing one is an
/// error rather than a silent 0, because 0 means "bounded by the token", which is rarely what a
/// forgotten flag meant.
internal sealed record RtcGrant(RtcRole Role, uint Join, uint PublishAudio, uint PublishVideo, uint PublishData, bool PerPrivilege)
{
    public static RtcGrant Read(ParseResult parsed, RtcGrantOptions o, uint expire)
    {
        Option<string>[] each = [o.Join, o.PublishAudio, o.PublishVideo, o.PublishData];
        if (!each.Any(option => TokenCli.Given(parsed, option)))
        {
            var role = parsed.GetValue(o.Role) switch
            {
                null or "publisher" => RtcRole.Publisher,
                "subscriber" => RtcRole.Subscriber,
                _ => throw TokenCli.UsageError("--role", TokenInputCodes.RoleInvalid, "--role must be publisher or subscriber."),
            };
            var privilegeExpire = Seconds(parsed, o.PrivilegeExpire, expire) ?? expire;
            return new(role, privilegeExpire, privilegeExpire, privilegeExpire, privilegeExpire, PerPrivilege: false);
        }

        foreach (var conflicting in new[] { o.Role, o.PrivilegeExpire }.Where(option => TokenCli.Given(parsed, option)))
        {
            throw TokenCli.UsageError(conflicting.Name, "options_conflict",
                $"{conflicting.Name} cannot be combined with --join, --publish-audio, --publish-video and --publish-data.");
        }

        var values = each.Select(option => Seconds(parsed, option, expire)
            ?? throw TokenCli.UsageError(option.Name, TokenInputCodes.ValueMissing,
                $"{option.Name} is required with the other per-privilege flags: give all four of --join, --publish-audio, --publish-video and --publish-data.")).ToArray();
        return new(RtcRole.Publisher, values[0], values[1], values[2], values[3], PerPrivilege: true);
    }

    private static uint? Seconds(ParseResult parsed, Option<string> option, uint expire)
    {
        var seconds = TokenCli.ReadUInt(parsed, option);
        if (seconds is { } value) TokenCli.ThrowIf(TokenInputRules.ValidatePrivilegeExpire(value, expire, option.Name));
        return seconds;
    }
}

internal sealed class RtcGrantOptions
{
    public Option<string> Role { get; } = new("--role") { HelpName = "publisher|subscriber", Description = "publisher (join and publish audio, video, data) or subscriber (join only) [default: publisher]." };
    public Option<string> PrivilegeExpire { get; } = new("--privilege-expire") { HelpName = "SECONDS", Description = "Seconds the role's privileges last, 0..--expire [default: --expire]." };
    public Option<string> Join { get; } = new("--join") { HelpName = "SECONDS", Description = "Seconds for joinChannel (with the other three per-privilege flags, instead of --role)." };
    public Option<string> PublishAudio { get; } = new("--publish-audio") { HelpName = "SECONDS", Description = "Seconds for publishAudioStream." };
    public Option<string> PublishVideo { get; } = new("--publish-video") { HelpName = "SECONDS", Description = "Seconds for publishVideoStream." };
    public Option<string> PublishData { get; } = new("--publish-data") { HelpName = "SECONDS", Description = "Seconds for publishDataStream." };

    public void AddTo(Command command)
    {
        command.Options.Add(Role);
        command.Options.Add(PrivilegeExpire);
        command.Options.Add(Join);
        command.Options.Add(PublishAudio);
        command.Options.Add(PublishVideo);
        command.Options.Add(PublishData);
    }
}
