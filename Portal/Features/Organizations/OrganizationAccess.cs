using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// Turns (signed-in user, organization id) into an <see cref="OrgCaller"/>, or the refusal to answer.
/// A non-member gets exactly what a missing organization gets (404); the attempt is audited.
public sealed class OrganizationAccess(TenantDb tenants, AuditLog audit, AuditActorAccessor actors)
{
    public async Task<Result<OrgCaller>> ResolveAsync(ClaimsPrincipal principal, Guid organizationId, CancellationToken ct,
        bool allowPlatformAdmin = false)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return new ServiceError(401, "unauthorized", "Sign in first.");
        var isPlatformAdmin = principal.IsInRole(PortalRoles.PlatformAdmin);

        // Reading memberships across organizations is this class's job: it decides which one the caller may see.
        await using var db = await tenants.UnfilteredAsync("membership lookup", ct);
        var org = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, ct);
        var membership = org is null ? null : await db.Memberships.AsNoTracking()
            .SingleOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        var actor = actors.Current();

        if (org is null || (membership is null && !(allowPlatformAdmin && isPlatformAdmin)))
        {
            if (org is not null) await RefuseAsync(db, actor, organizationId, ct);
            return ServiceError.NotFound("organization");
        }
        if (membership is not null && !isPlatformAdmin)
        {
            if (org.IsDisabled)
                return ServiceError.Forbidden("organization_disabled", "This organization is disabled; ask the platform administrator to enable it.");
            if (org.RequireTwoFactor && !await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, ct))
                return ServiceError.Forbidden("two_factor_required", "This organization requires two-factor authentication: turn it on under Account → Two-factor authentication.");
        }
        return new OrgCaller(organizationId, userId, membership?.Role, isPlatformAdmin, actor);
    }

    /// The organizations a user belongs to, for the switcher and `GET /api/v1/orgs`.
    public async Task<IReadOnlyList<OrganizationSummary>> MineAsync(string userId, CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("the caller's own memberships", ct);
        return await (from m in db.Memberships.AsNoTracking()
                      join o in db.Organizations.AsNoTracking() on m.OrganizationId equals o.Id
                      where m.UserId == userId
                      orderby o.Name
                      select new OrganizationSummary(o.Id, o.Name, o.Slug, o.IsDisabled, o.RequireTwoFactor, m.Role)).ToListAsync(ct);
    }

    /// Records a probe of an organization the caller does not belong to.
    public async Task RefuseAsync(Data.PortalDbContext db, AuditActor actor, Guid organizationId, CancellationToken ct, string? target = null) =>
        await audit.SaveAsync(db, actor, new AuditEntry(AuditEventType.CrossOrganizationAccessRefused, "organization",
            organizationId.ToString(), new { target }, OrganizationId: organizationId, Succeeded: false), ct);
}
