using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// Members of one organization: list, change role, remove. The last Owner can be neither demoted nor removed.
public sealed class MemberService(InvitationService invitations, OrganizationAccess access, TenantDb tenants, AuditLog audit)
{
    public async Task<IReadOnlyList<MemberDto>> ListAsync(OrgCaller caller, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return [];
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        return await db.Memberships.AsNoTracking().OrderBy(m => m.User!.Email)
            .Select(m => new MemberDto(m.Id, m.UserId, m.User!.Email ?? "", m.Role, m.User.TwoFactorEnabled, m.User.LastSignInAt, m.CreatedAt))
            .ToListAsync(ct);
    }

    public async Task<Result<MemberDto>> ChangeRoleAsync(OrgCaller caller, Guid membershipId, ChangeRole input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Owner, ct) is { } forbidden) return forbidden;
        if (input.Role is not { } role || !Enum.IsDefined(role))
            return ServiceError.Validation("role_invalid", "The role must be Owner, Admin or Auditor.", "role");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var member = await db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.Id == membershipId, ct);
        if (member is null) return ServiceError.NotFound("member");
        if (member.Role == OrganizationRole.Owner && role != OrganizationRole.Owner && await IsLastOwnerAsync(db, ct))
            return ServiceError.Conflict("last_owner", "This is the organization's only Owner: make someone else Owner first.");
        var before = member.Role;
        member.Role = role;
        var entries = new List<AuditEntry>
        {
            new(AuditEventType.MemberRoleChanged, "member", member.UserId,
                new { email = member.User!.Email, before = before.ToString(), after = role.ToString() }, caller.OrganizationId),
        };
        // Only Owners invite: an Owner demoted holds links they may no longer send (for an alternate address, say).
        if (before == OrganizationRole.Owner && role != OrganizationRole.Owner)
            entries.AddRange(await invitations.RevokeSentByAsync(db, caller.OrganizationId, member.UserId, ct, "inviter_demoted"));
        await audit.SaveAsync(db, caller.Actor, entries, ct);
        await tx.CommitAsync(ct);
        return new MemberDto(member.Id, member.UserId, member.User.Email ?? "", member.Role, member.User.TwoFactorEnabled, member.User.LastSignInAt, member.CreatedAt);
    }

    public async Task<ServiceError?> RemoveAsync(OrgCaller caller, Guid membershipId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Owner, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var member = await db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.Id == membershipId, ct);
        if (member is null) return ServiceError.NotFound("member");
        if (member.Role == OrganizationRole.Owner && await IsLastOwnerAsync(db, ct))
            return ServiceError.Conflict("last_owner", "This is the organization's only Owner: make someone else Owner before removing them.");
        db.Memberships.Remove(member);
        var entries = new List<AuditEntry>
        {
            new(AuditEventType.MemberRemoved, "member", member.UserId, new { email = member.User!.Email, role = member.Role.ToString() }, caller.OrganizationId),
        };
        entries.AddRange(await invitations.RevokeSentByAsync(db, caller.OrganizationId, member.UserId, ct, "inviter_removed"));
        await audit.SaveAsync(db, caller.Actor, entries, ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private static async Task<bool> IsLastOwnerAsync(Data.PortalDbContext db, CancellationToken ct) =>
        await db.Memberships.CountAsync(m => m.Role == OrganizationRole.Owner, ct) <= 1;
}
