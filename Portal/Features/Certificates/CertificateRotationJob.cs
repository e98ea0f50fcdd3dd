using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.Organizations;

namespace Portal.Features.Certificates;

/// Every 5 minutes: promote staged certificates whose time has come, rotate generated ones older than the
/// project's interval, flag imported ones that are due (once), and retire Previous ones past their grace.
/// Each step goes through CertificateService, so the ring's optimistic concurrency makes overlapping runs
/// (or replicas) produce one change; a step that loses is simply left for the next run.
public sealed class CertificateRotationJob(TenantDb tenants, IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock,
    ILogger<CertificateRotationJob> log, RotationSteps steps)
{
    public const string RecurringId = "certificate-rotation";
    public const string Cron = "*/5 * * * *";
    private static readonly AuditActor Actor = AuditActor.Job(RecurringId);

    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<Project> projects;
        await using (var db = await tenants.UnfilteredAsync("certificate rotation job scans every organization", ct))
        {
            projects = await db.Projects.AsNoTracking().Include(p => p.Certificates)
                .Where(p => p.Certificates.Any(c => c.State == CertificateState.Staged && c.EffectiveAt != null)
                         || p.Certificates.Any(c => c.State == CertificateState.Previous)
                         || p.Policy.RotationIntervalDays != null)
                .ToListAsync(ct);
        }
        foreach (var project in projects)
        {
            try { await RunForProjectAsync(project, now, ct); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One project's failure must not stop the others; the next run tries again.
                log.LogError("Certificate rotation failed for project {ProjectId}: {Error}", project.Id, ex.GetType().Name);
            }
        }
    }

    private async Task RunForProjectAsync(Project project, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<CertificateService>();
        var caller = OrgCaller.Job(project.OrganizationId, RecurringId, Actor);

        // Every step is conditional on the ring version this run's decision was based on: a run (or replica) that
        // read the ring before another one changed it changes nothing, instead of rotating a second time.
        var version = project.RingVersion;
        async Task Step(Task<Common.Result<CertificateDto>> change) { if ((await change).Ok) version++; }

        var due = project.Certificates.Where(c => c.State == CertificateState.Staged && c.EffectiveAt <= now).OrderBy(c => c.EffectiveAt).LastOrDefault();
        if (due is not null)
        {
            await Step(service.PromoteAsync(caller, project.Id, due.Id, ct, version));
            await steps.CompletedAsync("promoted", project.Id);
        }

        var active = project.Certificates.SingleOrDefault(c => c.State == CertificateState.Active);
        if (due is null && active is not null && project.Policy.RotationIntervalDays is { } days && active.ActivatedAt + TimeSpan.FromDays(days) <= now)
        {
            if (active.Source == CertificateSource.Generated)
                await Step(service.RotateAsync(caller, project.Id, ct, version));
            else if (project.RotationDueSince is null)
                await FlagRotationDueAsync(project, active, now, scope.ServiceProvider.GetRequiredService<NotificationService>(), ct);
            await steps.CompletedAsync("rotated", project.Id);
        }

        foreach (var expired in project.Certificates.Where(c => c.State == CertificateState.Previous && c.GraceUntil <= now))
        {
            await Step(service.RetireAsync(caller, project.Id, expired.Id, ct, version));
            await steps.CompletedAsync("retired", project.Id);
        }
    }

    /// Imported certificates come from Agora Console: Portal can only say that one is due, once.
    private async Task FlagRotationDueAsync(Project project, ProjectCertificate active, DateTimeOffset now, NotificationService notifications,
        CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(project.OrganizationId, ct);
        var updated = await db.Projects.Where(p => p.Id == project.Id && p.RotationDueSince == null)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RotationDueSince, now), ct);
        if (updated == 0) return; // another run flagged it first
        await audit.SaveAsync(db, Actor, new AuditEntry(AuditEventType.CertificateRotationDue, "certificate", active.Id.ToString(),
            new { projectId = project.Id, active.Fingerprint, activatedAt = active.ActivatedAt, intervalDays = project.Policy.RotationIntervalDays },
            project.OrganizationId), ct);
        // If this fails or the process dies first, the hourly notification scan raises it (same dedup key).
        await notifications.RaiseRotationDueAsync(project.OrganizationId, project.Id, project.Name, now, ct);
    }
}

/// The seam between the job's steps. Production does nothing here; the fault tests replace it to kill a run
/// between two steps and prove that the next run completes the work.
public class RotationSteps
{
    public virtual Task CompletedAsync(string step, Guid projectId) => Task.CompletedTask;
}
