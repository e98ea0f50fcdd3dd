using Portal.Common;
using Portal.Data.ApiKeys;
using Portal.Data.Projects;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Features.TokenIssuance;

/// The project's token policy and the key's restrictions applied to one request, each refusal with its code.
internal static class PolicyGate
{
    public static ServiceError? Service(TokenPolicy p, string service, bool legacy) => service switch
    {
        "rtc" when !p.AllowRtc => NotAllowed("RTC"),
        "rtm" when !p.AllowRtm => NotAllowed("RTM"),
        "chat" when !p.AllowChat => NotAllowed("Chat"),
        _ when legacy && !p.AllowLegacy006 => ServiceError.Forbidden("format_not_allowed",
            "This project's policy does not allow legacy 006 tokens: ask for format 007, or allow legacy 006 on the Policy tab."),
        _ => null,
    };

    /// A Chat app token (no user id) is an administrator credential for Agora's Chat REST API, so it needs all three:
    /// a secret key, the `chat_app` scope and the policy's switch. The refusal names the first one missing.
    public static ServiceError? ChatApp(KeySnapshot key) =>
        key.Kind != ApiKeyKind.Secret ? ServiceError.Forbidden("chat_app_not_for_publishable_keys",
            "Chat app tokens are administrator credentials and are never issued to publishable keys: send a `userId` for a user token, or ask from your server with a secret key.")
        : !key.Scopes.HasFlag(ApiKeyScopes.ChatApp) ? ServiceError.Forbidden("scope_missing",
            "A Chat app token (no `userId`) needs a secret key with the `chat_app` scope: send a `userId` for a user token, or create a key with that scope.")
        : !key.Project.Policy.AllowChatAppTokens ? ServiceError.Forbidden("chat_app_not_allowed",
            "This project's policy does not allow Chat app tokens: send a `userId` for a user token, or turn on \"Allow Chat app tokens\" on the Policy tab.")
        : null;

    /// A disabled organization or project issues nothing, whoever asks (an API key or the project page's test tokens).
    public static ServiceError? ProjectState(ProjectSnapshot project) =>
        !project.OrganizationActive ? ServiceError.Forbidden("organization_disabled", "The organization of this project is disabled.")
        : !project.ProjectActive ? ServiceError.Forbidden("project_disabled", "This project is disabled: enable it in Portal to issue tokens.")
        : null;

    public static (uint Seconds, bool Clamped, ServiceError? Error) Lifetime(TokenPolicy p, long? requested, string field = "expireSeconds")
    {
        var seconds = requested ?? p.DefaultLifetimeSeconds;
        if (seconds < 1 || seconds > uint.MaxValue)
            return (0, false, ServiceError.Validation("expire_out_of_range", "The lifetime must be a positive number of seconds (at most 86400).", field));
        if (seconds < p.MinLifetimeSeconds)
            return (0, false, ServiceError.Validation("expire_below_policy", $"This project's tokens last at least {p.MinLifetimeSeconds} s.", field));
        if (seconds > p.MaxLifetimeSeconds)
        {
            if (p.AboveMaximum == AboveMaximum.Clamp) return ((uint)p.MaxLifetimeSeconds, true, null);
            return (0, false, ServiceError.Validation("expire_exceeds_policy", $"This project's tokens last at most {p.MaxLifetimeSeconds} s.", field));
        }
        return ((uint)seconds, false, null);
    }

    public static (RtcRole Role, ServiceError? Error) Role(TokenPolicy p, string? requested)
    {
        RtcRole? role = requested?.Trim().ToLowerInvariant() switch
        {
            null or "" => p.DefaultRole == DefaultRtcRole.Publisher ? RtcRole.Publisher : RtcRole.Subscriber,
            "publisher" => RtcRole.Publisher,
            "subscriber" or "audience" => RtcRole.Subscriber,
            _ => null,
        };
        if (role is null) return (default, ServiceError.Validation("role_invalid", "The role must be publisher or subscriber.", "role"));
        var allowed = role == RtcRole.Publisher ? p.AllowPublisher : p.AllowSubscriber;
        return allowed ? (role.Value, null)
            : (default, ServiceError.Forbidden("role_not_allowed", $"This project's policy does not allow the {role.Value.ToString().ToLowerInvariant()} role."));
    }

    /// The subject of an RTC token: an int uid (0 = wildcard) or a string account.
    public static ServiceError? Subject(TokenPolicy p, long? uid, string? account)
    {
        if (uid is not null && account is not null)
            return ServiceError.Validation("uid_and_account", "Send either `uid` or `account`, not both.", "uid");
        if (account is not null)
        {
            if (TokenInputRules.ValidateUserAccount(account) is { } bad) return ServiceError.Validation(bad.Code, bad.Message, "account");
            return p.AllowStringAccounts ? null
                : ServiceError.Forbidden("account_not_allowed", "This project's policy does not allow string user accounts: send a numeric `uid`.");
        }
        var value = uid ?? 0;
        if (TokenInputRules.ValidateUid(value) is { } invalid) return ServiceError.Validation(invalid.Code, invalid.Message, "uid");
        return value == 0 && !p.AllowUidWildcard
            ? ServiceError.Forbidden("uid_wildcard_not_allowed", "uid 0 (any user) is not allowed by this project's policy: send the user's own uid.")
            : null;
    }

    public static ServiceError? Channel(ProjectSnapshot project, KeySnapshot key, string? channel)
    {
        if (TokenInputRules.ValidateChannelName(channel, "channel") is { } bad) return ServiceError.Validation(bad.Code, bad.Message, "channel");
        if (!StartsWithAny(channel!, project.PolicyPrefixes))
            return ServiceError.Forbidden("channel_not_allowed", $"This project's channels must start with {string.Join(" or ", project.PolicyPrefixes)}.");
        if (!StartsWithAny(channel!, key.ChannelPrefixes))
            return ServiceError.Forbidden("channel_not_allowed", $"This key may only get tokens for channels starting with {string.Join(" or ", key.ChannelPrefixes)}.");
        return null;
    }

    /// True when there are no prefixes (no restriction) or the channel starts with one of them. A loop rather than
    /// `Any(prefix => ...)`: the lambda captures the channel, and C# allocates that closure on every call.
    private static bool StartsWithAny(string channel, string[] prefixes)
    {
        if (prefixes.Length == 0) return true;
        foreach (var prefix in prefixes)
            if (channel.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    public static (uint Value, ServiceError? Error) PrivilegeSeconds(long? requested, uint lifetime, string field)
    {
        var value = requested ?? lifetime;
        return value < 0 || value > lifetime
            ? (0, ServiceError.Validation("privilege_expire_out_of_range", $"`{field}` must be between 0 and the token's lifetime ({lifetime} s).", field))
            : ((uint)value, null);
    }

    /// A privilege the request may leave out: null stays null (absent from the token).
    public static (uint? Value, ServiceError? Error) OptionalPrivilegeSeconds(long? requested, uint lifetime, string field) =>
        requested is null ? (null, null) : PrivilegeSeconds(requested, lifetime, field);

    public static (bool Legacy, ServiceError? Error) Format(string? format) => format switch
    {
        null or "" or "007" => (false, null),
        "006" => (true, null),
        _ => (false, ServiceError.Validation("format_invalid", "The format must be \"007\" (default) or \"006\".", "format")),
    };

    private static ServiceError NotAllowed(string service) =>
        ServiceError.Forbidden("service_not_allowed", $"This project's policy does not allow {service} tokens.");
}
