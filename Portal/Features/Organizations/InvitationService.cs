using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Security;

namespace Portal.Features.Organizations;

/// One-time invitation links, valid 72 hours. Owners invite members; platform admins invite a first owner.
public sealed class InvitationService(TenantDb tenants, AuditLog audit, TimeProvider clock, IServiceScopeFactory scopes,
    InvitationMailer mailer)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);
    public const string AcceptPath = "/invitations/accept";

    public async Task<Result<CreatedInvitation>> CreateAsync(OrgCaller caller, InviteMember input, string baseUrl, CancellationToken ct)
    {
        if (caller.RequireOwnerOrPlatformAdmin() is { } forbidden) return forbidden;
        var email = input.Email?.Trim() ?? "";
        if (email.Length is < 3 or > 256 || !email.Contains('@') || email.StartsWith('@') || email.EndsWith('@'))
            return ServiceError.Validation("email_invalid", "Enter the email address of the person to invite.", "email");
        if (input.Role is not { } role || !Enum.IsDefined(role))
            return ServiceError.Validation("role_invalid", "The role must be Owner, Admin or Auditor.", "role");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var normalized = email.ToUpperInvariant();
        if (await db.Memberships.AnyAsync(m => m.User!.NormalizedEmail == normalized, ct))
            return ServiceError.Conflict("already_member", $"{email} is already a member of this organization.");

        var token = RandomSecrets.New("inv_");
        var now = clock.GetUtcNow();
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(), Email = email, Role = role, TokenHash = Hash(token), InvitedByUserId = caller.UserId,
            CreatedAt = now, ExpiresAt = now + Lifetime,
        };
        db.Invitations.Add(invitation);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.InvitationCreated, "invitation", invitation.Id.ToString(),
            new { email, role = role.ToString(), expiresAt = invitation.ExpiresAt }, caller.OrganizationId), ct);

        var url = $"{baseUrl.TrimEnd('/')}{AcceptPath}?token={token}";
        await mailer.SendAsync(email, url, invitation.ExpiresAt, ct);
        return new CreatedInvitation(invitation.Id, email, role, invitation.ExpiresAt, url, token);
    }

    public async Task<IReadOnlyList<InvitationDto>> ListAsync(OrgCaller caller, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var rows = await db.Invitations.AsNoTracking().ToListAsync(ct);
        return rows.OrderByDescending(i => i.CreatedAt)
            .Select(i => new InvitationDto(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt)).ToList();
    }

    /// Anonymous: the token is the credential. New people set their password; existing users confirm theirs.
    public async Task<Result<AcceptedInvitation>> AcceptAsync(AcceptInvitation input, AuditActor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Token) || input.Token.Length > 200)
            return ServiceError.Validation("invitation_invalid", "This invitation link is not valid: ask for a new one.", "token");
        if (string.IsNullOrEmpty(input.Password))
            return ServiceError.Validation("password_required", "Choose a password of at least 12 characters.", "password");

        // The invitation's organization is unknown until its secret is looked up.
        await using var lookup = await tenants.UnfilteredAsync("invitation lookup by secret", ct);
        var hash = Hash(input.Token.Trim());
        var invitation = await lookup.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        var now = clock.GetUtcNow();
        if (invitation is null || invitation.RevokedAt is not null)
            return ServiceError.Validation("invitation_invalid", "This invitation link is not valid: ask for a new one.", "token");
        if (invitation.AcceptedAt is not null)
            return ServiceError.Conflict("invitation_used", "This invitation has already been accepted: sign in instead.");
        if (invitation.ExpiresAt <= now)
            return new ServiceError(410, "invitation_expired", "This invitation expired (links are valid for 72 hours): ask for a new one.");
        var org = await lookup.Organizations.AsNoTracking().SingleAsync(o => o.Id == invitation.OrganizationId, ct);

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync(invitation.Email);
        var created = false;
        if (user is null)
        {
            user = new PortalUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, CreatedAt = now };
            var result = await users.CreateAsync(user, input.Password);
            if (!result.Succeeded)
                return ServiceError.Validation("password_invalid", string.Join(" ", result.Errors.Select(e => e.Description)), "password");
            created = true;
        }
        else if (!await users.CheckPasswordAsync(user, input.Password))
        {
            return ServiceError.Validation("password_mismatch",
                $"{invitation.Email} already has a Portal account: enter its current password to join {org.Name}.", "password");
        }

        await using var db = await tenants.ForOrganizationAsync(invitation.OrganizationId, ct);
        var tracked = await db.Invitations.SingleAsync(i => i.Id == invitation.Id, ct);
        tracked.AcceptedAt = now;
        if (!await db.Memberships.AnyAsync(m => m.UserId == user.Id, ct))
            db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, Role = invitation.Role, CreatedAt = now });
        try
        {
            await audit.SaveAsync(db, actor with { Type = AuditActorType.User, Id = user.Id, Name = user.Email },
                new AuditEntry(AuditEventType.InvitationAccepted, "invitation", invitation.Id.ToString(),
                    new { email = invitation.Email, role = invitation.Role.ToString(), createdAccount = created }, invitation.OrganizationId), ct);
        }
        catch (DbUpdateException)
        {
            return ServiceError.Conflict("invitation_used", "This invitation was accepted at the same moment in another window: sign in instead.");
        }
        return new AcceptedInvitation(org.Id, org.Name, invitation.Email, created);
    }

    private static byte[] Hash(string token) => RandomSecrets.Sha256(token);
}
