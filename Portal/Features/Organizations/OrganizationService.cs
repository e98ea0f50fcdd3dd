using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// Organizations themselves: created, renamed and disabled by platform admins; settings by their Owners.
public sealed partial class OrganizationService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, OwnerJoin owners)
{
    /// Platform admins only. The creator becomes its Owner when asked to (`joinAsOwner`); left out, that is the
    /// default for an admin who belongs to no organization yet (the one-team installation), and not otherwise.
    public async Task<Result<OrganizationSummary>> CreateAsync(PlatformCaller caller, CreateOrganization input, CancellationToken ct)
    {
        if (!await access.IsPlatformAdminAsync(caller.UserId, ct))
            return ServiceError.Forbidden("platform_admin_required", "Only a platform administrator can create organizations.");
        var name = input.Name?.Trim() ?? "";
        var slug = (input.Slug ?? "").Trim().ToLowerInvariant();
        if (name.Length is 0 or > 100)
            return ServiceError.Validation("name_invalid", "The organization name must be 1 to 100 characters.", "name");
        if (!SlugPattern().IsMatch(slug))
            return ServiceError.Validation("slug_invalid", "The slug must be 2 to 50 characters of a-z, 0-9 and '-', starting with a letter or digit.", "slug");

        var org = new Organization { Id = Guid.NewGuid(), Name = name, Slug = slug, CreatedAt = clock.GetUtcNow() };
        // Scoped to the new organization, so the creator's membership is written inside it.
        await using var db = await tenants.ForOrganizationAsync(org.Id, ct);
        if (await db.Organizations.AnyAsync(o => o.Slug == slug, ct))
            return ServiceError.Conflict("slug_taken", $"The slug '{slug}' is already used by another organization: choose another.");
        var join = input.JoinAsOwner ?? !await IsMemberAnywhereAsync(caller.UserId, ct);
        db.Organizations.Add(org);
        List<AuditEntry> entries = [new(AuditEventType.OrganizationCreated, "organization", org.Id.ToString(), new { name, slug, joinAsOwner = join }, OrganizationId: org.Id)];
        if (join)
        {
            owners.Add(db, caller.UserId);
            var email = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
            entries.Add(OwnerJoin.Entry(org.Id, caller.UserId, email, OwnerJoin.ViaCreation));
        }
        try
        {
            await audit.SaveAsync(db, caller.Actor, entries, ct);
        }
        catch (DbUpdateException)
        {
            return ServiceError.Conflict("slug_taken", $"The slug '{slug}' is already used by another organization: choose another.");
        }
        return ToSummary(org, join ? OrganizationRole.Owner : null);
    }

    private async Task<bool> IsMemberAnywhereAsync(string userId, CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("does the creator belong to any organization", ct);
        return await db.Memberships.AnyAsync(m => m.UserId == userId, ct);
    }

    /// Platform admins see every organization (paged by the caller); everyone else, their own.
    public async Task<IReadOnlyList<OrganizationSummary>> ListAllAsync(CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        var orgs = await db.Organizations.AsNoTracking().OrderBy(o => o.Name).ToListAsync(ct);
        return orgs.Select(o => ToSummary(o, null)).ToList();
    }

    public async Task<Result<OrganizationSummary>> GetAsync(OrgCaller caller, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.GlobalAsync(ct);
        var org = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == caller.OrganizationId, ct);
        return ToSummary(org, caller.Role);
    }

    /// Name and 2FA requirement: Owners and platform admins. Disabling: platform admins only.
    public async Task<Result<OrganizationSummary>> UpdateAsync(OrgCaller caller, UpdateOrganization input, CancellationToken ct)
    {
        var live = await access.LiveAsync(caller, OrgNeed.OwnerOrPlatformAdmin, ct);
        if (!live.Ok) return live.Error;
        caller = live.Value;
        if (input.IsDisabled is not null && !caller.IsPlatformAdmin)
            return ServiceError.Forbidden("platform_admin_required", "Only a platform administrator can disable or enable an organization.");
        var name = input.Name?.Trim();
        if (name is not null && name.Length is 0 or > 100)
            return ServiceError.Validation("name_invalid", "The organization name must be 1 to 100 characters.", "name");

        await using var db = await tenants.GlobalAsync(ct);
        var org = await db.Organizations.SingleAsync(o => o.Id == caller.OrganizationId, ct);
        var before = new { org.Name, org.IsDisabled, org.RequireTwoFactor };
        org.Name = name ?? org.Name;
        org.IsDisabled = input.IsDisabled ?? org.IsDisabled;
        org.RequireTwoFactor = input.RequireTwoFactor ?? org.RequireTwoFactor;
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.OrganizationUpdated, "organization", org.Id.ToString(),
            new { before, after = new { org.Name, org.IsDisabled, org.RequireTwoFactor } }, OrganizationId: org.Id), ct);
        return ToSummary(org, caller.Role);
    }

    private static OrganizationSummary ToSummary(Organization o, OrganizationRole? role) =>
        new(o.Id, o.Name, o.Slug, o.IsDisabled, o.RequireTwoFactor, role);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,49}$")]
    private static partial Regex SlugPattern();
}
