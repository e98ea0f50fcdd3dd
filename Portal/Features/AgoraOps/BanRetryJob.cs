using Microsoft.EntityFrameworkCore;
using Portal.Data.AgoraOps;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.AgoraOps;

/// Retries a kick or ban whose call to Agora failed transiently (5xx, 429, time-out), once it is due. Each try is
/// first claimed (Attempts moves from n to n+1 only once), so a duplicate job or a second replica never sends the
/// same try twice. The sweep re-enqueues due bans whose scheduled job was lost (a process died in between).
public sealed class BanRetryJob(TenantDb tenants, AgoraAccountService accounts, BanAttempts attempts, TimeProvider clock)
{
    public const string RecurringId = "agora-ban-retry-sweep";
    private static readonly AuditActor Actor = AuditActor.Job("agora-ban-retry");

    [Hangfire.AutomaticRetry(Attempts = 0)] // retries are this job's own, with backoff and an audit event per try
    public async Task RetryAsync(Guid banId, CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("ban retry job loads one ban by id", ct);
        var ban = await db.AgoraBans.AsNoTracking().SingleOrDefaultAsync(b => b.Id == banId, ct);
        var now = clock.GetUtcNow();
        if (ban is null || ban.Status != BanStatus.Pending || ban.NextAttemptAt > now) return;
        var number = ban.Attempts + 1;
        var claimed = await db.AgoraBans.Where(b => b.Id == banId && b.Attempts == ban.Attempts && b.Status == BanStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Attempts, number).SetProperty(b => b.NextAttemptAt, now + BanAttempts.Lease), ct);
        if (claimed == 0) return; // another worker has this try

        await using var tenant = await tenants.ForOrganizationAsync(ban.OrganizationId, ct);
        var tracked = await tenant.AgoraBans.SingleAsync(b => b.Id == banId, ct);
        var target = await accounts.ForProjectAsync(tenant, tracked.ProjectId, ct);
        if (!target.Ok)
        {
            // The project lost its Agora account meanwhile: nothing to retry with.
            tracked.Status = BanStatus.Failed;
            tracked.LastError = target.Error.Message;
            tracked.NextAttemptAt = null;
            await tenant.SaveChangesAsync(ct);
            return;
        }
        await attempts.RunAsync(tenant, tracked, target.Value.AppId, target.Value.Credentials, Actor, ct);
    }

    /// Every 5 minutes: due pending bans get a retry job (a duplicate is harmless: the claim above lets one through).
    public async Task SweepAsync(CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("ban retry sweep over all organizations", ct);
        var now = clock.GetUtcNow();
        var due = await db.AgoraBans.AsNoTracking().Where(b => b.Status == BanStatus.Pending && b.NextAttemptAt <= now)
            .Select(b => b.Id).Take(500).ToListAsync(ct);
        foreach (var id in due) await RetryAsync(id, ct);
    }
}
