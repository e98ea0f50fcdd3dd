using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.ApiKeys;
using Portal.Data.Audit;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.ApiKeys;
using Portal.Features.Organizations;
using Portal.Features.Usage;

namespace Portal.Features.Dashboard;

public sealed record ChecklistProject(Guid Id, string Name, string AppId);

/// Where the user stands on the way to a first token. <see cref="FromZero"/>: the platform admin's checklist for an
/// installation that has issued no token yet, which starts with the organization; otherwise one organization's.
public sealed record ChecklistState(bool FromZero, bool HasOrganization, bool OrganizationsToJoin, ChecklistProject? Project,
    bool HasCertificate, bool HasSecretKey, bool HasToken)
{
    public bool Done => HasOrganization && Project is not null && HasCertificate && HasSecretKey && HasToken;
}

/// The dashboard's first-run checklist: shown until the first token (of the installation for a platform admin, of the
/// organization for its Owners and Admins), each step read from the data, so it ticks itself whichever page did it.
public sealed class FirstRunChecklist(TenantDb tenants, TimeProvider clock)
{
    /// Null when there is nothing to show. <paramref name="caller"/>: the current organization, if any.
    public async Task<ChecklistState?> GetAsync(bool isPlatformAdmin, OrgCaller? caller, CancellationToken ct)
    {
        var fromZero = isPlatformAdmin && !await InstallationIssuedAsync(ct);
        if (!fromZero && caller is not { CanManage: true }) return null;
        if (caller is not { CanManage: true })
            return new ChecklistState(true, false, await AnyOrganizationAsync(ct), null, false, false, false);

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var issued = await IssuedAsync(db, caller.OrganizationId, ct);
        if (!fromZero && issued) return null;
        var now = clock.GetUtcNow();
        // The project furthest along wins, so a half-done second project does not hide the first one's progress.
        var projects = await db.Projects.AsNoTracking().OrderBy(p => p.CreatedAt).Take(50)
            .Select(p => new
            {
                p.Id,
                p.Name,
                p.AppId,
                Certificate = db.ProjectCertificates.Any(c => c.ProjectId == p.Id && c.State == CertificateState.Active),
                Key = db.ApiKeys.Usable(now).Any(k => k.ProjectId == p.Id && k.Kind == ApiKeyKind.Secret),
            }).ToListAsync(ct);
        var best = projects.OrderByDescending(p => (p.Certificate ? 2 : 0) + (p.Key ? 1 : 0)).FirstOrDefault();
        return new ChecklistState(fromZero, true, false, best is null ? null : new ChecklistProject(best.Id, best.Name, best.AppId),
            best?.Certificate == true, best?.Key == true, issued);
    }

    /// Any token from the API (usage counters, kept raw 35 days and daily 400) or a test token minted on a project page.
    private async Task<bool> InstallationIssuedAsync(CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("first-run checklist: has any organization issued a token", ct);
        return await IssuedAsync(db, null, ct);
    }

    private static async Task<bool> IssuedAsync(PortalDbContext db, Guid? organizationId, CancellationToken ct) =>
        await db.UsageCounters.AnyAsync(c => c.Outcome == UsageRecorder.Issued && c.Count > 0, ct)
        || await db.UsageDaily.AnyAsync(c => c.Outcome == UsageRecorder.Issued && c.Count > 0, ct)
        // Audit events are not tenant-filtered: one organization at a time, along the (organization, type) index.
        || await db.Organizations.AnyAsync(o => (organizationId == null || o.Id == organizationId) &&
               db.AuditEvents.Any(e => e.OrganizationId == o.Id && e.Type == AuditEventType.TestTokenMinted), ct);

    private async Task<bool> AnyOrganizationAsync(CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        return await db.Organizations.AnyAsync(ct);
    }
}
