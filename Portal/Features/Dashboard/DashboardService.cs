using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.ApiKeys;
using Portal.Features.Notifications;
using Portal.Features.Organizations;
using Portal.Features.Usage;

namespace Portal.Features.Dashboard;

public enum AttentionLevel { Info, Warning, Error }

/// One thing that needs someone: what, how bad, and where it is fixed (null when the fix is outside the UI).
public sealed record AttentionItem(string Kind, AttentionLevel Level, string Text, string? Href, string? Action);

public sealed record DashboardFigures(long IssuedToday, long RefusedToday, long IssuedSevenDays, IReadOnlyList<(string Date, long Issued)> SevenDays,
    int Projects, int ActiveKeys, IReadOnlyList<AttentionItem> Attention);

/// The home page's figures and its "needs attention" list, for one organization.
public sealed class DashboardService(OrganizationAccess access, TenantDb tenants, NotificationService notifications, TimeProvider clock)
{
    /// <param name="lastCheck">The audit chain's last verification, which the page shows too (read once, by the page).</param>
    public async Task<DashboardFigures> GetAsync(OrgCaller caller, AuditVerification? lastCheck, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return new DashboardFigures(0, 0, 0, [], 0, 0, []);
        var now = clock.GetUtcNow();
        var today = UsageDays.Today(clock);
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var rows = await UsageSource.ReadAsync(db, today, UsageDays.Of(today.AddDays(-6)), UsageDays.Of(today), null, ct);
        var issued = rows.Where(r => r.Outcome == UsageRecorder.Issued).ToList();
        var seven = Enumerable.Range(0, 7).Select(i => today.AddDays(i - 6))
            .Select(d => (UsageDays.Text(UsageDays.Of(d)), issued.Where(r => r.Day == UsageDays.Of(d)).Sum(r => r.Count))).ToList();
        var projects = await db.Projects.CountAsync(ct);
        var activeKeys = await db.ApiKeys.Usable(now).CountAsync(ct);

        var attention = new List<AttentionItem>();
        foreach (var p in await db.Projects.AsNoTracking().Where(p => p.RotationDueSince != null).OrderBy(p => p.Name).Take(20).ToListAsync(ct))
            attention.Add(new("rotation_due", AttentionLevel.Warning,
                $"{p.Name}: its imported certificate is due for rotation (since {p.RotationDueSince:yyyy-MM-dd}). Create a secondary certificate in Agora Console and import it.",
                $"projects/{p.Id}?tab=certificates", "Rotate"));
        var staged = await db.ProjectCertificates.AsNoTracking().Where(c => c.State == CertificateState.Staged)
            .Join(db.Projects, c => c.ProjectId, p => p.Id, (c, p) => new { p.Id, p.Name, c.Fingerprint, c.EffectiveAt })
            .OrderBy(s => s.Name).Take(20).ToListAsync(ct);
        foreach (var s in staged)
            attention.Add(new("staged_certificate", AttentionLevel.Info,
                s.EffectiveAt is { } at ? $"{s.Name}: certificate {s.Fingerprint} is staged and becomes active on {at:yyyy-MM-dd HH:mm} UTC."
                                        : $"{s.Name}: certificate {s.Fingerprint} is staged with no effective time; promote it when apps are ready.",
                $"projects/{s.Id}?tab=certificates", "Review"));
        var soon = now + NotificationScanJob.KeyExpiryWarning;
        // Sorted before the cut, so the soonest to expire are the ones listed.
        var expiring = await db.ApiKeys.AsNoTracking().ExpiringBy(now, soon)
            .Join(db.Projects, k => k.ProjectId, p => p.Id, (k, p) => new { ProjectId = p.Id, Project = p.Name, k.Name, k.Prefix, k.ExpiresAt })
            .OrderBy(k => k.ExpiresAt).Take(20).ToListAsync(ct);
        foreach (var k in expiring)
            attention.Add(new("key_expiring", AttentionLevel.Warning,
                $"API key {k.Name} ({k.Prefix}…) of {k.Project} expires on {k.ExpiresAt:yyyy-MM-dd HH:mm} UTC: create its replacement.",
                $"projects/{k.ProjectId}?tab=api-keys", "Replace key"));
        if (lastCheck is not { } check)
            attention.Add(new("audit_chain", AttentionLevel.Info, "The audit chain has not been verified yet: the daily job does it, or verify it now on the audit log page.", "audit", "Open audit log"));
        else if (!check.Intact)
            attention.Add(new("audit_chain", AttentionLevel.Error, $"The audit chain is broken: {check.Message} Ask the platform administrator to investigate.", "audit", "Open audit log"));
        var failing = await notifications.FailingCountAsync(caller, ct);
        if (failing > 0)
            attention.Add(new("webhook_failing", AttentionLevel.Error,
                failing == 1 ? "1 notification delivery failed or is being retried (last 7 days)."
                             : $"{failing} notification deliveries failed or are being retried (last 7 days).", "settings", "See deliveries"));

        return new DashboardFigures(seven[^1].Item2, rows.Where(r => r.Day == UsageDays.Of(today) && r.Outcome != UsageRecorder.Issued).Sum(r => r.Count),
            seven.Sum(d => d.Item2), seven, projects, activeKeys, attention);
    }
}
