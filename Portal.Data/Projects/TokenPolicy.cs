namespace Portal.Data.Projects;

public enum AboveMaximum { Reject = 1, Clamp = 2 }

public enum DefaultRtcRole { Publisher = 1, Subscriber = 2 }

/// The per-project token rules, stored in the project's row. Defaults are the creation defaults.
public sealed class TokenPolicy
{
    public int DefaultLifetimeSeconds { get; set; } = 3600;
    public int MinLifetimeSeconds { get; set; } = 60;
    public int MaxLifetimeSeconds { get; set; } = 86_400;
    public AboveMaximum AboveMaximum { get; set; } = AboveMaximum.Reject;
    public bool AllowRtc { get; set; } = true;
    public bool AllowRtm { get; set; } = true;
    public bool AllowChat { get; set; } = true;

    /// Chat app tokens (no user id) are administrator credentials for Agora's Chat REST API: off unless chosen.
    public bool AllowChatAppTokens { get; set; }
    public bool AllowLegacy006 { get; set; }
    public bool AllowPublisher { get; set; } = true;
    public bool AllowSubscriber { get; set; } = true;
    public DefaultRtcRole DefaultRole { get; set; } = DefaultRtcRole.Publisher;
    public bool AllowUidWildcard { get; set; }
    public bool AllowStringAccounts { get; set; } = true;

    /// Allowed channel-name prefixes, one per line; empty = any valid channel name.
    public string ChannelPrefixes { get; set; } = "";
    public int RenewAheadSeconds { get; set; } = 30;
    public int? RotationIntervalDays { get; set; }
}
