using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.AgoraOps;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.AgoraOps;

/// Token revocation: a revoked subject gets no new token and its tokens verify as revoked; "all issued before now"
/// makes every earlier token verify as revoked. The token API sees revocations through its cached snapshot (the row
/// bumps the cache stamp every replica polls). A uid also gets a kicking-rule for the policy's maximum lifetime, so a
/// connected client is removed and cannot rejoin with a token it still holds. Owners and Admins act; all audited.
public sealed class RevocationService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock,
    BanService bans, ProjectLookup projects)
{
    public async Task<Result<IReadOnlyList<RevocationDto>>> ListAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        var rows = await db.TokenRevocations.AsNoTracking().Where(r => r.ProjectId == projectId).OrderByDescending(r => r.RevokedAt).Take(200).ToListAsync(ct);
        var banIds = rows.Where(r => r.BanId != null).Select(r => r.BanId!.Value).ToList();
        var linked = await db.AgoraBans.AsNoTracking().Where(b => banIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, ct);
        return rows.Select(r => Dto(r, r.BanId is { } id && linked.TryGetValue(id, out var b) ? b : null, null)).ToList();
    }

    public async Task<Result<RevocationDto>> RevokeAsync(OrgCaller caller, Guid projectId, RevokeTokens input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        var account = string.IsNullOrWhiteSpace(input.Account) ? null : input.Account.Trim();
        var given = (input.Uid is not null ? 1 : 0) + (account is not null ? 1 : 0) + (input.AllIssuedBefore ? 1 : 0);
        if (given != 1)
            return ServiceError.Validation("revocation_target_invalid", "Give exactly one of uid, account, or allIssuedBefore: true.", "uid");
        if (input.Uid is { } u && (u < 1 || u > uint.MaxValue))
            return ServiceError.Validation("uid_invalid", "The uid is a number from 1 to 4294967295 (uid 0 is the wildcard, not a user).", "uid");
        if (account is { Length: > 255 }) return ServiceError.Validation("account_invalid", "A user account is at most 255 characters.", "account");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await db.Projects.AsNoTracking().Where(p => p.Id == projectId).Select(p => new { p.Policy.MaxLifetimeSeconds }).SingleOrDefaultAsync(ct);
        if (project is null) return await projects.NotFoundAsync(caller, projectId, ct);
        var subject = input.Uid?.ToString(CultureInfo.InvariantCulture) ?? account;
        if (subject is not null && await db.TokenRevocations.AnyAsync(r => r.ProjectId == projectId && r.Subject == subject && r.LiftedAt == null, ct))
            return ServiceError.Conflict("already_revoked", "This user's tokens are already revoked; lift that revocation first to revoke again.");

        var now = clock.GetUtcNow();
        var revocation = new TokenRevocation
        {
            Id = Guid.NewGuid(),
            OrganizationId = caller.OrganizationId,
            ProjectId = projectId,
            Subject = subject,
            IssuedBefore = input.AllIssuedBefore ? now : null,
            RevokedAt = now,
            RevokedBy = caller.Actor.Name ?? caller.UserId,
        };
        db.TokenRevocations.Add(revocation);
        await SaveWithAuditAsync(db, caller, new AuditEntry(AuditEventType.TokensRevoked, "project", projectId.ToString(),
            new { revocationId = revocation.Id, subject, issuedBefore = revocation.IssuedBefore }, caller.OrganizationId), ct);

        // The refusal is in force now (the stamp moved); the kicking-rule follows, for as long as the longest token lives.
        AgoraBan? ban = null;
        string? note = null;
        if (input.Uid is { } uid)
        {
            ban = await bans.PlaceForRevocationAsync(db, caller, projectId, uid, (int)Math.Ceiling(project.MaxLifetimeSeconds / 60.0), ct);
            if (ban is null) note = "No Agora account is linked to this project: no kicking-rule was placed, so a connected client stays until its token expires.";
            else
            {
                revocation.BanId = ban.Id;
                await db.SaveChangesAsync(ct);
            }
        }
        else if (account is not null)
            note = "Agora's kicking-rules name uids and IPs only: a client connected with this account stays until its token expires.";
        return Dto(revocation, ban, note);
    }

    /// Lifting lets the subject get tokens again and ends the kicking-rule placed for it.
    public async Task<Result<RevocationDto>> LiftAsync(OrgCaller caller, Guid projectId, Guid revocationId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var revocation = await db.TokenRevocations.SingleOrDefaultAsync(r => r.Id == revocationId && r.ProjectId == projectId, ct);
        if (revocation is null) return await projects.NotFoundAsync(caller, projectId, ct) with { Message = "There is no revocation with this id." };
        if (revocation.LiftedAt is not null) return ServiceError.Conflict("revocation_lifted", "This revocation was already lifted.");
        string? note = null;
        if (revocation.BanId is { } banId && await bans.EndForRevocationAsync(db, banId, ct) is { } failure)
            return new ServiceError(409, "agora_failed", failure + " The revocation stays in force; try again.");
        revocation.LiftedAt = clock.GetUtcNow();
        revocation.LiftedBy = caller.Actor.Name ?? caller.UserId;
        await SaveWithAuditAsync(db, caller, new AuditEntry(AuditEventType.TokenRevocationLifted, "project", projectId.ToString(),
            new { revocationId, revocation.Subject, revocation.IssuedBefore }, caller.OrganizationId), ct);
        var ban = revocation.BanId is { } id ? await db.AgoraBans.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct) : null;
        return Dto(revocation, ban, note);
    }

    private async Task SaveWithAuditAsync(PortalDbContext db, OrgCaller caller, AuditEntry entry, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.SaveAsync(db, caller.Actor, entry, ct);
        await tx.CommitAsync(ct);
    }

    private static RevocationDto Dto(TokenRevocation r, AgoraBan? ban, string? note) =>
        new(r.Id, r.ProjectId, r.Subject, r.IssuedBefore, r.RevokedAt, r.RevokedBy, r.LiftedAt, r.LiftedBy, r.LiftedAt is null,
            r.BanId, ban?.Status.ToString().ToLowerInvariant(), ban?.AgoraRuleId, note ?? (ban?.Status == BanStatus.Failed ? ban.LastError : null));
}
