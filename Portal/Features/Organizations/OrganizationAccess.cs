using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// What a service call needs of its caller, checked against the database on every call by <see cref="OrganizationAccess.CheckAsync"/>.
public enum OrgNeed { Member, Manage, Owner, OwnerOrPlatformAdmin }

/// Turns (signed-in user, organization id) into an <see cref="OrgCaller"/>, or the refusal to answer.
/// A non-member gets exactly what a missing organization gets (404); the attempt is audited.
public sealed class OrganizationAccess(TenantDb tenants, AuditThrottle auditThrottle, AuditActorAccessor actors, OrganizationChanges changes)
{
    /// Whether <paramref name="caller"/> may still do what <paramref name="need"/> says, read now from the database: an
    /// <see cref="OrgCaller"/> may have been made minutes ago (an open page), and a member removed, demoted or whose
    /// organization was disabled or now requires 2FA must lose access at once. One query. When the caller's standing
    /// changed, <see cref="OrganizationChanges"/> tells the circuit, so an open page redraws with what is left.
    public async Task<ServiceError?> CheckAsync(OrgCaller caller, OrgNeed need, CancellationToken ct) =>
        (await LiveAsync(caller, need, ct)).Error;

    private static int Rank(OrganizationRole? role) => role switch
    {
        OrganizationRole.Owner => 3,
        OrganizationRole.Admin => 2,
        OrganizationRole.Auditor => 1,
        _ => 0,
    };

    /// <see cref="CheckAsync"/>, giving the caller as it stands now for a service that goes on to read its role.
    public async Task<Result<OrgCaller>> LiveAsync(OrgCaller caller, OrgNeed need, CancellationToken ct)
    {
        if (caller.IsJob) return caller;
        await using var db = await tenants.UnfilteredAsync("the caller's membership, checked on every call", ct);
        var now = await (from o in db.Organizations.AsNoTracking()
                         where o.Id == caller.OrganizationId
                         select new
                         {
                             o.IsDisabled,
                             o.RequireTwoFactor,
                             Role = db.Memberships.Where(m => m.OrganizationId == o.Id && m.UserId == caller.UserId).Select(m => (OrganizationRole?)m.Role).FirstOrDefault(),
                             TwoFactor = db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TwoFactorEnabled).FirstOrDefault(),
                             PlatformAdmin = db.UserRoles.Any(ur => ur.UserId == caller.UserId
                                 && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == PortalRoles.PlatformAdmin)),
                         }).SingleOrDefaultAsync(ct);

        ServiceError? refusal = null;
        var actingAsAdmin = caller.Role is null && caller.IsPlatformAdmin; // a platform admin working on an organization they are not in
        if (now is null || (now.Role is null && !(actingAsAdmin && now.PlatformAdmin)))
            refusal = new ServiceError(404, "not_found", "You are not a member of this organization (any more): ask one of its Owners to invite you again.");
        else if (now.Role is not null && !now.PlatformAdmin && now.IsDisabled)
            refusal = ServiceError.Forbidden("organization_disabled", "This organization is disabled; ask the platform administrator to enable it.");
        else if (now.Role is not null && !now.PlatformAdmin && now.RequireTwoFactor && !now.TwoFactor)
            refusal = ServiceError.Forbidden("two_factor_required", "This organization requires two-factor authentication: turn it on under Account → Two-factor authentication.");

        // Only a loss redraws the page: a page that shows more than the caller may do now is the risk, not one that shows less.
        if (refusal is not null || Rank(now!.Role) < Rank(caller.Role) || (caller.IsPlatformAdmin && !now.PlatformAdmin))
            changes.Changed(caller.OrganizationId);
        if (refusal is not null) return refusal;
        var live = caller with { Role = now!.Role, IsPlatformAdmin = now.PlatformAdmin };
        var forbidden = need switch
        {
            OrgNeed.Member => null,
            OrgNeed.Manage => live.RequireManage(),
            OrgNeed.Owner => live.RequireOwner(),
            _ => live.RequireOwnerOrPlatformAdmin(),
        };
        return forbidden is null ? live : forbidden;
    }

    public async Task<Result<OrgCaller>> ResolveAsync(ClaimsPrincipal principal, Guid organizationId, CancellationToken ct,
        bool allowPlatformAdmin = false)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return new ServiceError(401, "unauthorized", "Sign in first.");

        // Reading memberships across organizations is this class's job: it decides which one the caller may see.
        await using var db = await tenants.UnfilteredAsync("membership lookup", ct);
        // From the database, not the sign-in's claims: those are as old as the cookie or the open page.
        var isPlatformAdmin = await db.UserRoles.AnyAsync(ur => ur.UserId == userId
            && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == PortalRoles.PlatformAdmin), ct);
        var org = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, ct);
        var membership = org is null ? null : await db.Memberships.AsNoTracking()
            .SingleOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        var actor = actors.Current();

        if (org is null || (membership is null && !(allowPlatformAdmin && isPlatformAdmin)))
        {
            if (org is not null) await RefuseAsync(actor, organizationId, ct);
            return ServiceError.NotFound("organization");
        }
        if (membership is not null && !isPlatformAdmin)
        {
            if (org.IsDisabled)
                return ServiceError.Forbidden("organization_disabled", "This organization is disabled; ask the platform administrator to enable it.");
            if (org.RequireTwoFactor && !await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, ct))
                return ServiceError.Forbidden("two_factor_required", "This organization requires two-factor authentication: turn it on under Account → Two-factor authentication.");
        }
        return new OrgCaller(organizationId, userId, membership?.Role, isPlatformAdmin, actor, actors.Session());
    }

    /// Whether the user holds the platform admin role now (the sign-in's claims are as old as the session).
    public async Task<bool> IsPlatformAdminAsync(string userId, CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("the caller's platform role", ct);
        return await db.UserRoles.AnyAsync(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == PortalRoles.PlatformAdmin), ct);
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

    /// Probes one caller may have recorded one by one each minute; beyond, one event a minute gives their count.
    public const int RefusalsAuditedPerMinute = 100;

    /// Records a probe of an organization the caller does not belong to, rate-limited per caller (a caller may probe
    /// ids as fast as it likes; each must not cost a row).
    public Task RefuseAsync(AuditActor actor, Guid organizationId, CancellationToken ct, string? target = null) =>
        auditThrottle.RecordAsync($"cross-org:{actor.Type}:{actor.Id ?? actor.IpAddress}", actor, count =>
            new AuditEntry(AuditEventType.CrossOrganizationAccessRefused, "organization", organizationId.ToString(), new { target, count },
                OrganizationId: organizationId, Succeeded: false), ct, RefusalsAuditedPerMinute);
}
