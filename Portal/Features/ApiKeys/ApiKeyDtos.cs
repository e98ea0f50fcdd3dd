using Portal.Data;
using Portal.Data.ApiKeys;

namespace Portal.Features.ApiKeys;

public sealed record ApiKeyDto(Guid Id, Guid ProjectId, string Name, string Kind, IReadOnlyList<string> Scopes, string Prefix,
    IReadOnlyList<string> AllowedOrigins, IReadOnlyList<string> ChannelPrefixes, KeyRateLimit RateLimitPerMinute,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string State)
{
    public static ApiKeyDto From(ApiKey k, DateTimeOffset now) => new(k.Id, k.ProjectId, k.Name, k.Kind == ApiKeyKind.Secret ? "secret" : "publishable",
        ApiKeyScopeNames.ToNames(k.Scopes), k.Prefix, LineList.Split(k.AllowedOrigins), LineList.Split(k.ChannelPrefixes), new KeyRateLimit(k.RateLimitPerMinute),
        k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt,
        k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active");
}

public sealed record CreateApiKey(string? Name, string? Kind, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? AllowedOrigins,
    IReadOnlyList<string>? ChannelPrefixes, KeyRateLimit? RateLimitPerMinute, DateTimeOffset? ExpiresAt);

/// The key itself appears only here, once.
public sealed record CreatedApiKey(ApiKeyDto Info, string Key);

public static class ApiKeyScopeNames
{
    public static readonly string[] All = ["rtc", "rtm", "chat", "chat_app", "verify"];

    public static IReadOnlyList<string> ToNames(ApiKeyScopes scopes) =>
        All.Where(n => scopes.HasFlag(Parse(n))).ToList();

    public static ApiKeyScopes Parse(string name) => name switch
    {
        "rtc" => ApiKeyScopes.Rtc,
        "rtm" => ApiKeyScopes.Rtm,
        "chat" => ApiKeyScopes.Chat,
        "chat_app" => ApiKeyScopes.ChatApp,
        "verify" => ApiKeyScopes.Verify,
        _ => ApiKeyScopes.None,
    };
}
