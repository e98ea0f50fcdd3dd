using Portal.Common;
using Portal.Data.Projects;
using Portal.Tokens;

namespace Portal.Features.Policies;

/// Field-level rules of a token policy; the first broken rule is reported with the field it concerns.
public static class PolicyValidator
{
    public const int MaxPrefixes = 50;

    public static ServiceError? Validate(PolicyDto p)
    {
        if (p.MaxLifetimeSeconds is < 1 or > (int)TokenInputRules.MaxExpireSeconds)
            return Error("max_lifetime_invalid", "The maximum lifetime must be between 1 and 86400 seconds (Agora's 24-hour cap).", "maxLifetimeSeconds");
        if (p.MinLifetimeSeconds < 1 || p.MinLifetimeSeconds > p.MaxLifetimeSeconds)
            return Error("min_lifetime_invalid", "The minimum lifetime must be at least 1 second and not above the maximum.", "minLifetimeSeconds");
        if (p.DefaultLifetimeSeconds < p.MinLifetimeSeconds || p.DefaultLifetimeSeconds > p.MaxLifetimeSeconds)
            return Error("default_lifetime_invalid", "The default lifetime must lie between the minimum and the maximum.", "defaultLifetimeSeconds");
        if (!Enum.IsDefined(p.AboveMaximum))
            return Error("above_maximum_invalid", "Above the maximum, choose Reject or Clamp.", "aboveMaximum");
        if (p.AllowedServices is null || p.AllowedServices.Count == 0 || p.AllowedServices.Any(s => !PolicyDto.Services.Contains(s)))
            return Error("services_invalid", "Allow at least one service of rtc, rtm, chat, legacy006.", "allowedServices");
        if (p.AllowedRoles is null || p.AllowedRoles.Count == 0 || p.AllowedRoles.Any(r => !PolicyDto.Roles.Contains(r)))
            return Error("roles_invalid", "Allow at least one role of publisher, subscriber.", "allowedRoles");
        if (!Enum.IsDefined(p.DefaultRole) || !p.AllowedRoles.Contains(p.DefaultRole == DefaultRtcRole.Publisher ? "publisher" : "subscriber"))
            return Error("default_role_not_allowed", "The default role must be one of the allowed roles.", "defaultRole");
        if (p.RenewAheadSeconds < 0 || p.RenewAheadSeconds >= p.MinLifetimeSeconds)
            return Error("renew_ahead_invalid", "Renew-ahead must be 0 or more seconds and shorter than the minimum lifetime.", "renewAheadSeconds");
        if (p.RotationIntervalDays is < 1 or > 3650)
            return Error("rotation_interval_invalid", "The rotation interval must be 1 to 3650 days, or empty for never.", "rotationIntervalDays");
        if (p.ChannelPrefixes is null || p.ChannelPrefixes.Count > MaxPrefixes)
            return Error("channel_prefixes_invalid", $"List at most {MaxPrefixes} channel prefixes.", "channelPrefixes");
        foreach (var prefix in p.ChannelPrefixes.Select(x => x.Trim()).Where(x => x.Length > 0))
            if (TokenInputRules.ValidateChannelName(prefix) is not null)
                return Error("channel_prefix_invalid", $"The prefix '{Shorten(prefix)}' is not a valid start of a channel name (1–63 of a-z, A-Z, 0-9, space and !#$%&()+-:;<=.>?@[]^_{{}}|~,).", "channelPrefixes");
        return null;
    }

    private static ServiceError Error(string code, string message, string field) => ServiceError.Validation(code, message, field);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
