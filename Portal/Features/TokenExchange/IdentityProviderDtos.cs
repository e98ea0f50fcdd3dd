using Portal.Data;
using Portal.Data.IdentityProviders;

namespace Portal.Features.TokenExchange;

/// A trusted identity provider as the API and the Sign-in tab show it (all of it is configuration, nothing secret).
public sealed record IdentityProviderDto(Guid Id, Guid ProjectId, string Name, string Issuer, IReadOnlyList<string> Audiences, string KeySource,
    string? JwksUrl, string? PastedKeys, IReadOnlyList<string> Algorithms, int ClockSkewSeconds, int? MaxTokenAgeSeconds, string IdentityMapping,
    string IdentityClaim, IReadOnlyList<RequiredClaim> RequiredClaims, IReadOnlyList<ExchangeRule> Rules, int RateLimitPerSubjectPerMinute,
    IReadOnlyList<string> AllowedOrigins, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static IdentityProviderDto From(IdentityProvider p) => new(p.Id, p.ProjectId, p.Name, p.Issuer, LineList.Split(p.Audiences),
        ExchangeNames.KeySource(p.KeySource), p.JwksUrl, p.PastedKeys, LineList.Split(p.Algorithms), p.ClockSkewSeconds, p.MaxTokenAgeSeconds,
        ExchangeNames.Mapping(p.Mapping), p.IdentityClaim, ExchangeJson.RequiredClaims(p.RequiredClaims), ExchangeJson.Rules(p.Rules),
        p.RateLimitPerSubjectPerMinute, LineList.Split(p.AllowedOrigins), p.Enabled, p.CreatedAt, p.UpdatedAt);
}

/// What an admin sends to add or replace a provider. Absent optional fields take their defaults.
public sealed record IdentityProviderInput(string? Name, string? Issuer, IReadOnlyList<string>? Audiences, string? KeySource, string? JwksUrl,
    string? PastedKeys, IReadOnlyList<string>? Algorithms, int? ClockSkewSeconds, int? MaxTokenAgeSeconds, string? IdentityMapping,
    string? IdentityClaim, IReadOnlyList<RequiredClaim>? RequiredClaims, IReadOnlyList<ExchangeRule>? Rules, int? RateLimitPerSubjectPerMinute,
    IReadOnlyList<string>? AllowedOrigins, bool? Enabled);

/// A claim that must hold for any exchange: equal to `value`, or (array claims such as `groups`) contain it.
public sealed record RequiredClaim(string? Claim, string? Value);

/// One row of the rule table. A rule applies when its condition holds (if any), it lists the service, and (RTC) the
/// channel matches one of its patterns; `{claim}` in a pattern is replaced by that claim's value and `*` matches any
/// run of characters. `role` is the most the rule grants: publisher (publisher or subscriber) or subscriber.
public sealed record ExchangeRule(string? Name, RequiredClaim? When, IReadOnlyList<string>? Services, string? Role,
    IReadOnlyList<string>? Channels, long? MaxLifetimeSeconds);

/// The wire names of the stored enums.
public static class ExchangeNames
{
    public static string KeySource(IdentityKeySource s) => s switch
    {
        IdentityKeySource.Discovery => "discovery",
        IdentityKeySource.JwksUrl => "jwks_url",
        _ => "pasted",
    };

    public static IdentityKeySource? ParseKeySource(string? s) => s switch
    {
        null or "" or "discovery" => IdentityKeySource.Discovery,
        "jwks_url" => IdentityKeySource.JwksUrl,
        "pasted" => IdentityKeySource.Pasted,
        _ => null,
    };

    public static string Mapping(IdentityMapping m) => m switch
    {
        Data.IdentityProviders.IdentityMapping.UidClaim => "uid_claim",
        Data.IdentityProviders.IdentityMapping.UidHash => "uid_hash",
        _ => "account",
    };

    public static IdentityMapping? ParseMapping(string? s) => s switch
    {
        "uid_claim" => Data.IdentityProviders.IdentityMapping.UidClaim,
        null or "" or "uid_hash" => Data.IdentityProviders.IdentityMapping.UidHash,
        "account" => Data.IdentityProviders.IdentityMapping.Account,
        _ => null,
    };
}

/// The stored JSON columns (rules, required claims), read and written with the web defaults (camelCase).
internal static class ExchangeJson
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static IReadOnlyList<ExchangeRule> Rules(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<List<ExchangeRule>>(json, Options) ?? [];

    public static IReadOnlyList<RequiredClaim> RequiredClaims(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<List<RequiredClaim>>(json, Options) ?? [];

    public static string Write<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Options);
}
