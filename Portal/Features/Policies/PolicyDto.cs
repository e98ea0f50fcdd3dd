using Portal.Data;
using Portal.Data.Projects;

namespace Portal.Features.Policies;

/// The token policy as the API and the form see it. Services and roles are lists of names.
public sealed record PolicyDto(
    int DefaultLifetimeSeconds,
    int MinLifetimeSeconds,
    int MaxLifetimeSeconds,
    AboveMaximum AboveMaximum,
    IReadOnlyList<string> AllowedServices,
    IReadOnlyList<string> AllowedRoles,
    DefaultRtcRole DefaultRole,
    bool AllowUidWildcard,
    bool AllowStringAccounts,
    IReadOnlyList<string> ChannelPrefixes,
    int RenewAheadSeconds,
    int? RotationIntervalDays,
    bool AllowChatAppTokens = false)
{
    public static readonly string[] Services = ["rtc", "rtm", "chat", "legacy006"];
    public static readonly string[] Roles = ["publisher", "subscriber"];

    public static PolicyDto From(TokenPolicy p) => new(
        p.DefaultLifetimeSeconds, p.MinLifetimeSeconds, p.MaxLifetimeSeconds, p.AboveMaximum,
        Services.Where(s => s switch { "rtc" => p.AllowRtc, "rtm" => p.AllowRtm, "chat" => p.AllowChat, _ => p.AllowLegacy006 }).ToList(),
        Roles.Where(r => r == "publisher" ? p.AllowPublisher : p.AllowSubscriber).ToList(),
        p.DefaultRole, p.AllowUidWildcard, p.AllowStringAccounts, LineList.Split(p.ChannelPrefixes), p.RenewAheadSeconds, p.RotationIntervalDays,
        p.AllowChatAppTokens);

    public void ApplyTo(TokenPolicy p)
    {
        p.DefaultLifetimeSeconds = DefaultLifetimeSeconds;
        p.MinLifetimeSeconds = MinLifetimeSeconds;
        p.MaxLifetimeSeconds = MaxLifetimeSeconds;
        p.AboveMaximum = AboveMaximum;
        p.AllowRtc = AllowedServices.Contains("rtc");
        p.AllowRtm = AllowedServices.Contains("rtm");
        p.AllowChat = AllowedServices.Contains("chat");
        p.AllowLegacy006 = AllowedServices.Contains("legacy006");
        p.AllowPublisher = AllowedRoles.Contains("publisher");
        p.AllowSubscriber = AllowedRoles.Contains("subscriber");
        p.DefaultRole = DefaultRole;
        p.AllowUidWildcard = AllowUidWildcard;
        p.AllowStringAccounts = AllowStringAccounts;
        p.ChannelPrefixes = LineList.Join(ChannelPrefixes);
        p.RenewAheadSeconds = RenewAheadSeconds;
        p.RotationIntervalDays = RotationIntervalDays;
        p.AllowChatAppTokens = AllowChatAppTokens;
    }

    /// "A token requested without a lifetime lasts 1 h; at most 24 h" — the sentence on the Policy tab.
    public string Describe()
    {
        var above = AboveMaximum == AboveMaximum.Clamp ? "longer requests are shortened to the maximum" : "longer requests are refused";
        return $"A token requested without a lifetime lasts {Duration(DefaultLifetimeSeconds)}; at least {Duration(MinLifetimeSeconds)}, " +
               $"at most {Duration(MaxLifetimeSeconds)} ({above}). Clients are told to renew {RenewAheadSeconds} s before expiry.";
    }

    public static string Duration(int seconds) => seconds switch
    {
        _ when seconds % 86_400 == 0 => $"{seconds / 86_400} d",
        _ when seconds % 3600 == 0 => $"{seconds / 3600} h",
        _ when seconds % 60 == 0 => $"{seconds / 60} min",
        _ => $"{seconds} s",
    };
}
