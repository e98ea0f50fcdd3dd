using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Notifications;
using Portal.Data.Tenancy;
using Portal.Features.ApiKeys;
using Portal.Features.Audit;

namespace Portal.Features.Notifications;

/// Hourly: raises the alerts that come from state rather than from one action — rotation due, API keys that
/// expire within 7 days, a broken audit chain — and requeues deliveries whose job was lost. Raising is
/// idempotent (dedup keys name the state, e.g. the key and its expiry), so every run may raise everything.
public sealed class NotificationScanJob(TenantDb tenants, NotificationService notifications, AuditChain chain, IBackgroundJobClient jobs,
    TimeProvider clock)
{
    public const string RecurringId = "notifications-scan";
    public const string Cron = "15 * * * *";
    public static readonly TimeSpan KeyExpiryWarning = TimeSpan.FromDays(7);

    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var soon = now + KeyExpiryWarning;
        await using var db = await tenants.UnfilteredAsync("notification scan covers every organization with delivery settings", ct);
        var orgs = await db.NotificationSettings.AsNoTracking().Select(s => s.OrganizationId).ToListAsync(ct);
        if (orgs.Count == 0) return;

        var due = await db.Projects.AsNoTracking().Where(p => orgs.Contains(p.OrganizationId) && p.RotationDueSince != null)
            .Select(p => new { p.OrganizationId, p.Id, p.Name, p.RotationDueSince }).ToListAsync(ct);
        foreach (var p in due)
            await notifications.RaiseRotationDueAsync(p.OrganizationId, p.Id, p.Name, p.RotationDueSince!.Value, ct);

        var expiring = await db.ApiKeys.AsNoTracking().ExpiringBy(now, soon).Where(k => orgs.Contains(k.OrganizationId))
            .Select(k => new { k.OrganizationId, k.Id, k.ProjectId, k.Name, k.Prefix, k.ExpiresAt }).ToListAsync(ct);
        foreach (var k in expiring)
            await notifications.RaiseAsync(k.OrganizationId, NotificationEvents.KeyExpiring, $"{k.Id}:{k.ExpiresAt!.Value.UtcTicks}",
                $"API key {k.Name} expires on {k.ExpiresAt:yyyy-MM-dd HH:mm} UTC",
                new
                {
                    apiKeyId = k.Id,
                    projectId = k.ProjectId,
                    name = k.Name,
                    prefix = k.Prefix,
                    expiresAt = k.ExpiresAt,
                    fix = $"/projects/{k.ProjectId}?tab=api-keys"
                }, ct);

        if (await chain.LastVerificationAsync(ct) is { Intact: false } broken)
            foreach (var org in orgs)
                await notifications.RaiseAsync(org, NotificationEvents.AuditChainBroken, broken.CheckedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "The audit log's hash chain is broken", new { checkedAt = broken.CheckedAt, message = broken.Message }, ct);

        // A delivery whose job was lost (the process died between saving and enqueuing, or mid-attempt).
        var stale = now - TimeSpan.FromMinutes(10);
        var lost = await db.Notifications.AsNoTracking().Where(n => n.Status == NotificationStatus.Pending && n.NextAttemptAt <= stale)
            .Select(n => n.Id).ToListAsync(ct);
        foreach (var id in lost) jobs.Enqueue<NotificationDeliveryJob>(j => j.DeliverAsync(id, CancellationToken.None));
    }
}
