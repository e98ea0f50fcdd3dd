using Portal.Data.ApiKeys;

namespace Portal.Features.ApiKeys;

/// Which keys count as usable or about to expire: one definition for the dashboard and the expiry alerts, so the
/// two never disagree.
public static class ApiKeyQueries
{
    public static IQueryable<ApiKey> Usable(this IQueryable<ApiKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now));

    /// Not revoked, still valid now, and expiring no later than <paramref name="soon"/>.
    public static IQueryable<ApiKey> ExpiringBy(this IQueryable<ApiKey> keys, DateTimeOffset now, DateTimeOffset soon) =>
        keys.Where(k => k.RevokedAt == null && k.ExpiresAt != null && k.ExpiresAt > now && k.ExpiresAt <= soon);
}
