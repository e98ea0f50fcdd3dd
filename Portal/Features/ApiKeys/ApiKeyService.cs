using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.ApiKeys;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;
using Portal.Tokens;

namespace Portal.Features.ApiKeys;

/// API keys of one project, for the API keys tab and the management API.
public sealed class ApiKeyService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, ProjectLookup lookup)
{
    public const int DefaultRateLimitPerMinute = 600;

    /// Publishable keys ship in apps and pages anyone can read, so they keep a cap that bounds what a copied key costs.
    public const int MaxPublishableRateLimitPerMinute = 100_000;

    /// Secret keys live on the app's servers; a large app may need one key for all its traffic (or no limit at all).
    public const int MaxSecretRateLimitPerMinute = 10_000_000;

    public static int MaxRateLimitPerMinute(ApiKeyKind kind) =>
        kind == ApiKeyKind.Secret ? MaxSecretRateLimitPerMinute : MaxPublishableRateLimitPerMinute;

    public async Task<Result<IReadOnlyList<ApiKeyDto>>> ListAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await lookup.NotFoundAsync(caller, projectId, ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.ProjectId == projectId).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return keys.OrderByDescending(k => k.CreatedAt).Select(k => ApiKeyDto.From(k, now)).ToList();
    }

    public async Task<Result<CreatedApiKey>> CreateAsync(OrgCaller caller, Guid projectId, CreateApiKey input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        var (key, error) = Validate(input, clock.GetUtcNow());
        if (error is not null) return error;

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await lookup.NotFoundAsync(caller, projectId, ct);
        var secret = ApiKeySecrets.New(key!.Kind);
        key.Id = Guid.NewGuid();
        key.ProjectId = projectId;
        key.Prefix = secret[..ApiKeySecrets.VisiblePrefixLength];
        key.SecretHash = ApiKeySecrets.Hash(secret);
        key.CreatedAt = clock.GetUtcNow();
        db.ApiKeys.Add(key);
        var dto = ApiKeyDto.From(key, key.CreatedAt);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.ApiKeyCreated, "api_key", key.Id.ToString(),
            new { projectId, dto.Name, dto.Kind, dto.Scopes, dto.Prefix, dto.AllowedOrigins, dto.ChannelPrefixes, dto.RateLimitPerMinute, dto.ExpiresAt },
            caller.OrganizationId), ct);
        return new CreatedApiKey(dto, secret);
    }

    /// Takes effect on every instance within the cache poll interval (about a second).
    public async Task<Result<ApiKeyDto>> RevokeAsync(OrgCaller caller, Guid projectId, Guid keyId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.ProjectId == projectId, ct);
        if (key is null)
        {
            await lookup.NotFoundAsync(caller, projectId, ct); // audits a probe of another organization's project
            return ServiceError.NotFound("API key");
        }
        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.ApiKeyRevoked, "api_key", key.Id.ToString(),
                new { projectId, key.Name, key.Prefix }, caller.OrganizationId), ct);
        }
        return ApiKeyDto.From(key, clock.GetUtcNow());
    }

    private static (ApiKey? Key, ServiceError? Error) Validate(CreateApiKey input, DateTimeOffset now)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return (null, ServiceError.Validation("name_invalid", "Give the key a name of 1 to 100 characters.", "name"));
        ApiKeyKind? kind = input.Kind switch { "secret" => ApiKeyKind.Secret, "publishable" => ApiKeyKind.Publishable, _ => null };
        if (kind is null) return (null, ServiceError.Validation("kind_invalid", "The kind must be \"secret\" (servers) or \"publishable\" (browsers and apps).", "kind"));
        var scopeNames = input.Scopes ?? ["rtc"];
        if (scopeNames.Count == 0 || scopeNames.Any(s => !ApiKeyScopeNames.All.Contains(s)))
            return (null, ServiceError.Validation("scopes_invalid", "Scopes must be one or more of rtc, rtm, chat, chat_app, verify.", "scopes"));
        if (kind == ApiKeyKind.Publishable && scopeNames.Contains("chat_app"))
            return (null, ServiceError.Validation("scope_not_for_publishable_keys",
                "The chat_app scope issues Chat app tokens, which are administrator credentials: only secret keys (on your server) may have it.", "scopes"));
        var origins = (input.AllowedOrigins ?? []).Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).Distinct().ToList();
        if (origins.Count > 50 || origins.Any(o => !IsOrigin(o)))
            return (null, ServiceError.Validation("origins_invalid", "Allowed origins must be like https://app.example.com (scheme, host and optional port; at most 50).", "allowedOrigins"));
        if (kind == ApiKeyKind.Secret && origins.Count > 0)
            return (null, ServiceError.Validation("origins_not_for_secret_keys", "Secret keys are for servers and take no origins; use a publishable key in browsers.", "allowedOrigins"));
        var prefixes = (input.ChannelPrefixes ?? []).Select(p => p.Trim()).Where(p => p.Length > 0).Distinct().ToList();
        if (prefixes.Count > 50 || prefixes.Any(p => TokenInputRules.ValidateChannelName(p) is not null))
            return (null, ServiceError.Validation("channel_prefixes_invalid", "Channel prefixes must be valid starts of channel names (at most 50).", "channelPrefixes"));
        var rate = input.RateLimitPerMinute ?? new KeyRateLimit(DefaultRateLimitPerMinute);
        if (rate.IsUnlimited && kind != ApiKeyKind.Secret)
            return (null, ServiceError.Validation("rate_limit_unlimited_not_allowed", $"Publishable keys ship in apps and pages, so they keep a limit: 1 to {N(MaxPublishableRateLimitPerMinute)} requests per minute.", "rateLimitPerMinute"));
        if (!rate.IsUnlimited && (rate.PerMinute < 1 || rate.PerMinute > MaxRateLimitPerMinute(kind.Value)))
            return (null, ServiceError.Validation("rate_limit_invalid", kind == ApiKeyKind.Secret
                ? $"The rate limit of a secret key is 1 to {N(MaxSecretRateLimitPerMinute)} requests per minute, or \"unlimited\"."
                : $"The rate limit of a publishable key is 1 to {N(MaxPublishableRateLimitPerMinute)} requests per minute.", "rateLimitPerMinute"));
        if (input.ExpiresAt is { } expires && expires <= now)
            return (null, ServiceError.Validation("expiry_in_past", "The expiry must be in the future; leave it empty for a key that does not expire.", "expiresAt"));

        return (new ApiKey
        {
            Name = name,
            Kind = kind.Value,
            Prefix = "",
            SecretHash = [],
            Scopes = scopeNames.Aggregate(ApiKeyScopes.None, (s, n) => s | ApiKeyScopeNames.Parse(n)),
            AllowedOrigins = LineList.Join(origins),
            ChannelPrefixes = LineList.Join(prefixes),
            RateLimitPerMinute = rate.PerMinute,
            ExpiresAt = input.ExpiresAt,
        }, null);
    }

    private static string N(int n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && !value.EndsWith('/');
}
