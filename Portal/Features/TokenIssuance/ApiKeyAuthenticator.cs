using System.Diagnostics.CodeAnalysis;
using Portal.Common;
using Portal.Data.ApiKeys;
using Portal.Data.Audit;
using Portal.Features.ApiKeys;
using Portal.Features.Audit;

namespace Portal.Features.TokenIssuance;

/// The outcome of checking a request's key: the key, or the refusal; a known key that was refused (revoked, over its
/// rate limit...) is kept with the refusal, so that the refusal counts towards its usage.
public readonly record struct KeyCheck(KeySnapshot? Key, ServiceError? Error)
{
    [MemberNotNullWhen(true, nameof(Key))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null;

    public static implicit operator KeyCheck(KeySnapshot key) => new(key, null);
    public static implicit operator KeyCheck(ServiceError error) => new(null, error);
}

/// Finds and checks the API key of a token request: where it may come from, whether it is usable, its origin,
/// its project's state and its rate limit. Everything here runs from memory once the key is cached.
public sealed class ApiKeyAuthenticator(IssuanceCache cache, RateLimits limits, TimeProvider clock, AuditThrottle auditThrottle)
{
    public const int MaxKeyLength = 200;

    public async ValueTask<KeyCheck> AuthenticateAsync(HttpContext http, ApiKeyScopes scope, bool allowQueryKey, Guid? routeProjectId = null)
    {
        if (limits.AnyInvalidKeys && limits.IpBlocked(http) is { } wait)
            return RateLimited(http, wait, "Too many requests with invalid API keys from this address");

        var queryKey = http.Request.Query["key"].ToString();
        if (queryKey.Length > 0 && ApiKeySecrets.LooksSecret(queryKey))
        {
            limits.InvalidKeyFrom(http); // whatever the key, the request is refused: it counts like an invalid key
            await SecretInUrlAsync(http, queryKey);
            return ServiceError.Validation("secret_key_in_url",
                "A secret key was sent in the URL, where logs and proxies keep it: revoke it now, create a new one, and send keys only in the Authorization or X-Api-Key header.");
        }
        var key = HeaderKey(http) ?? (allowQueryKey && queryKey.Length > 0 ? queryKey : null);
        if (key is null)
            return new ServiceError(401, "api_key_missing", allowQueryKey
                ? "Send the project's API key as `Authorization: Bearer <key>`, `X-Api-Key`, or (publishable keys) `?key=`."
                : "Send the project's API key as `Authorization: Bearer <key>` or `X-Api-Key: <key>`.");

        var found = key.Length <= MaxKeyLength ? await cache.FindAsync(key, http.RequestAborted) : null;
        if (found is null)
        {
            limits.InvalidKeyFrom(http);
            return new ServiceError(401, "api_key_invalid", "This API key is not known: check that it was copied whole, or create a new one on the project's API keys tab.");
        }
        if (routeProjectId is { } projectId && projectId != found.Project.ProjectId)
            return ServiceError.NotFound("project");

        var refusal = Check(http, found, scope, key == queryKey && allowQueryKey);
        return new KeyCheck(found, refusal);
    }

    private ServiceError? Check(HttpContext http, KeySnapshot key, ApiKeyScopes scope, bool fromQuery)
    {
        if (key.Revoked) return new ServiceError(401, "api_key_revoked", "This API key was revoked: use the project's current key.");
        if (key.ExpiresAt <= clock.GetUtcNow()) return new ServiceError(401, "api_key_expired", "This API key has expired: create a new one on the project's API keys tab.");
        if (fromQuery && key.Kind == ApiKeyKind.Secret)
            return ServiceError.Validation("secret_key_in_url", "Secret keys are accepted only in headers.");
        var origin = http.Request.Headers.Origin.ToString();
        if (key.Kind == ApiKeyKind.Publishable && origin.Length > 0 && !key.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            return ServiceError.Forbidden("origin_not_allowed", $"This key may not be used from {Shorten(origin)}: add the origin to the key's allowed origins.");
        if (PolicyGate.ProjectState(key.Project) is { } disabled) return disabled;
        if (!key.Scopes.HasFlag(scope))
            return ServiceError.Forbidden("scope_missing", $"This key lacks the `{scope.ToString().ToLowerInvariant()}` scope: create a key with it.");
        // 0 is an unlimited secret key: no bucket at all, not a very large one.
        if (key.RateLimitPerMinute > 0 && limits.TryTake(key.Id, key.RateLimitPerMinute) is { } wait)
            return RateLimited(http, wait, $"This key is limited to {key.RateLimitPerMinute} requests per minute");
        return null;
    }

    private static ServiceError RateLimited(HttpContext http, int seconds, string what)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ServiceError(429, "rate_limited", $"{what}: retry after {seconds} s.");
    }

    private static string? HeaderKey(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        var header = http.Request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }

    /// Unknown secret-looking keys in URLs are recorded this many times a minute in all (then counted), whatever
    /// addresses and prefixes they come with: rotating through an IPv6 block buys nothing.
    public const int UnknownSecretsInUrlAuditedPerMinute = 10;

    /// Anyone can send such requests, and each must not cost a row: a real key's leak is recorded for its organization
    /// once per key prefix and client address a minute; unknown keys as above; either with the count of the requests the
    /// event stands for.
    private async Task SecretInUrlAsync(HttpContext http, string key)
    {
        KeySnapshot? found = null;
        try
        {
            if (key.Length <= MaxKeyLength) found = await cache.FindAsync(key, http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The refusal stands without the lookup; the event is then recorded as for an unknown key.
        }
        var prefix = key[..Math.Min(key.Length, ApiKeySecrets.VisiblePrefixLength)];
        var address = Security.ClientAddresses.Of(http);
        var path = Shorten(http.Request.Path.Value ?? "", 200);
        var actor = http.RequestServices.GetRequiredService<AuditActorAccessor>().Current();
        await auditThrottle.RecordAsync(found is null ? "secret-in-url:unknown" : $"secret-in-url:{prefix}:{address}", actor, count =>
            new AuditEntry(AuditEventType.SecretKeyInUrl, "api_key", found?.Id.ToString(), new { prefix, path, count },
                found?.Project.OrganizationId, Succeeded: false), http.RequestAborted,
            found is null ? UnknownSecretsInUrlAuditedPerMinute : 1);
    }

    private static string Shorten(string value, int max = 100) => value.Length <= max ? value : value[..max] + "…";
}
