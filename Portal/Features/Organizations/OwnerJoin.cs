using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// A platform admin becoming an Owner without an invitation: by creating the organization, or with *Join as Owner*
/// on the Organizations page. Either way the membership and its <see cref="AuditEventType.MemberJoinedAsOwner"/> event
/// are one save, in the organization's own log, so its Owners see who joined and how.
public sealed class OwnerJoin(TenantDb tenants, AuditLog audit, TimeProvider clock, OrganizationAccess access)
{
    public const string ViaCreation = "organization_created";
    public const string ViaJoin = "join_as_owner";

    public async Task<Result<MemberDto>> JoinAsync(OrgCaller caller, CancellationToken ct)
    {
        var live = await access.LiveAsync(caller, OrgNeed.Member, ct); // as things stand now, not when the page opened
        if (!live.Ok) return live.Error;
        caller = live.Value;
        if (!caller.IsPlatformAdmin)
            return ServiceError.Forbidden("platform_admin_required", "Only a platform administrator can join an organization without an invitation: ask one of its Owners to invite you.");
        if (caller.Role is { } role)
            return ServiceError.Conflict("already_member", $"You are already a member of this organization ({role}); an Owner can change your role on the Members page.");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == caller.UserId, ct);
        var membership = Add(db, caller.UserId);
        try
        {
            await audit.SaveAsync(db, caller.Actor, Entry(caller.OrganizationId, caller.UserId, user.Email, ViaJoin), ct);
        }
        catch (DbUpdateException)
        {
            // The unique (organization, user) index: the same admin joined at the same moment in another window.
            return ServiceError.Conflict("already_member", "You are already a member of this organization.");
        }
        return new MemberDto(membership.Id, user.Id, user.Email ?? "", membership.Role, user.TwoFactorEnabled, user.LastSignInAt, membership.CreatedAt);
    }

    /// Members of the caller's organization who joined this way, with how and when (for the Members page).
    public async Task<IReadOnlyDictionary<string, (string Via, DateTimeOffset At)>> JoinedAsync(OrgCaller caller, CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == caller.OrganizationId && e.Type == AuditEventType.MemberJoinedAsOwner && e.TargetId != null)
            .OrderByDescending(e => e.Sequence).Select(e => new { e.TargetId, e.Details, e.OccurredAt }).Take(100).ToListAsync(ct);
        var joined = new Dictionary<string, (string, DateTimeOffset)>();
        foreach (var e in events) joined.TryAdd(e.TargetId!, (Via(e.Details), e.OccurredAt));
        return joined;
    }

    /// The membership, added to a context scoped to its organization (the caller saves it with <see cref="Entry"/>).
    internal Membership Add(PortalDbContext db, string userId)
    {
        var membership = new Membership { Id = Guid.NewGuid(), UserId = userId, Role = OrganizationRole.Owner, CreatedAt = clock.GetUtcNow() };
        db.Memberships.Add(membership);
        return membership;
    }

    internal static AuditEntry Entry(Guid organizationId, string userId, string? email, string via) =>
        new(AuditEventType.MemberJoinedAsOwner, "member", userId, new { email, role = nameof(OrganizationRole.Owner), via }, organizationId);

    private static string Via(string details)
    {
        try
        {
            using var json = JsonDocument.Parse(details);
            return json.RootElement.TryGetProperty("via", out var via) && via.GetString() is { } text ? text : ViaJoin;
        }
        catch (JsonException) { return ViaJoin; }
    }
}
