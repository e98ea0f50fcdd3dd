using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Security;

namespace Portal.Features.Organizations;

/// One-time invitation links, valid 72 hours. Owners invite members; platform admins invite a first owner.
public sealed class InvitationService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, IServiceScopeFactory scopes,
    InvitationMailer mailer)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);
    public const string AcceptPath = "/invitations/accept";

    public async Task<Result<CreatedInvitation>> CreateAsync(OrgCaller caller, InviteMember input, string baseUrl, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.OwnerOrPlatformAdmin, ct) is { } forbidden) return forbidden;
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
            Id = Guid.NewGuid(),
            Email = email,
            Role = role,
            TokenHash = Hash(token),
            InvitedByUserId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
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
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return [];
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var rows = await db.Invitations.AsNoTracking().ToListAsync(ct);
        return rows.OrderByDescending(i => i.CreatedAt)
            .Select(i => new InvitationDto(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt)).ToList();
    }

    /// What an invitation link is for, before it is accepted: the invited e-mail and whether it already has an account
    /// (then the invitee signs in first instead of choosing a password). The token is the credential.
    public async Task<Result<InvitationPreview>> PreviewAsync(string? token, CancellationToken ct)
    {
        var (invitation, refusal) = await FindPendingAsync(token, ct);
        if (refusal is not null) return refusal;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return new InvitationPreview(invitation!.Email, await users.FindByEmailAsync(invitation.Email) is not null);
    }

    /// The token is the credential for a new person, who sets a password here. A person who already has an account
    /// must be signed in as that account (<paramref name="signedIn"/>: the UI's session, or the API's management token):
    /// no password is ever checked here, so an invitation cannot be used to guess one, and the sign-in that came first
    /// obeyed lockout, the address throttle and 2FA.
    public async Task<Result<AcceptedInvitation>> AcceptAsync(AcceptInvitation input, ClaimsPrincipal? signedIn, AuditActor actor, CancellationToken ct)
    {
        var (invitation, refusal) = await FindPendingAsync(input.Token, ct);
        if (refusal is not null) return refusal;
        var now = clock.GetUtcNow();
        await using var lookup = await tenants.UnfilteredAsync("the invited organization", ct);
        var org = await lookup.Organizations.AsNoTracking().SingleAsync(o => o.Id == invitation!.OrganizationId, ct);

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync(invitation!.Email);
        var signedInId = signedIn?.Identity?.IsAuthenticated == true ? signedIn.FindFirstValue(ClaimTypes.NameIdentifier) : null;
        var created = false;
        if (user is null)
        {
            if (string.IsNullOrEmpty(input.Password))
                return ServiceError.Validation("password_required", "Choose a password of at least 12 characters.", "password");
            user = new PortalUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, CreatedAt = now };
            var result = await users.CreateAsync(user, input.Password);
            if (!result.Succeeded)
                return ServiceError.Validation("password_invalid", string.Join(" ", result.Errors.Select(e => e.Description)), "password");
            created = true;
        }
        else if (signedInId is null)
        {
            return new ServiceError(401, "sign_in_required",
                $"{invitation.Email} already has a Portal account: sign in as {invitation.Email} first, then open the invitation link again " +
                "(through the API: send that account's management token).");
        }
        else if (signedInId != user.Id)
        {
            return ServiceError.Forbidden("invitation_other_account",
                $"This invitation is for {invitation.Email}, but you are signed in as someone else: sign out, then sign in as {invitation.Email}.");
        }

        await using var db = await tenants.ForOrganizationAsync(invitation.OrganizationId, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Claimed only if still pending now: a withdrawal, or the inviter's removal, that landed since the checks
            // above wins, and of two windows accepting at once only one does.
            var claimed = await db.Invitations
                .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now), ct);
            if (claimed == 1)
            {
                if (!await db.Memberships.AnyAsync(m => m.UserId == user.Id, ct))
                    db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, Role = invitation.Role, CreatedAt = now });
                await audit.SaveAsync(db, actor with { Type = AuditActorType.User, Id = user.Id, Name = user.Email },
                    new AuditEntry(AuditEventType.InvitationAccepted, "invitation", invitation.Id.ToString(),
                        new { email = invitation.Email, role = invitation.Role.ToString(), createdAccount = created }, invitation.OrganizationId), ct);
                await tx.CommitAsync(ct);
                return new AcceptedInvitation(org.Id, org.Name, invitation.Email, created);
            }
        }
        if (created) await users.DeleteAsync(user); // made for this invitation only, which is gone
        return (await FindPendingAsync(input.Token, ct)).Refusal
               ?? ServiceError.Conflict("invitation_used", "This invitation was accepted at the same moment in another window: sign in instead.");
    }

    /// Withdraws a pending invitation: its link stops working at once. Owners (and platform admins) only, audited.
    public async Task<ServiceError?> RevokeAsync(OrgCaller caller, Guid invitationId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.OwnerOrPlatformAdmin, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is null) return ServiceError.NotFound("invitation");
        if (invitation.AcceptedAt is not null)
            return ServiceError.Conflict("invitation_used", "This invitation was already accepted: remove the member instead.");
        if (invitation.RevokedAt is not null) return null;
        invitation.RevokedAt = clock.GetUtcNow();
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.InvitationRevoked, "invitation", invitation.Id.ToString(),
            new { email = invitation.Email, role = invitation.Role.ToString(), reason = "revoked" }, caller.OrganizationId), ct);
        return null;
    }

    /// The pending invitations a member sent, revoked when the member is removed or demoted (in the caller's
    /// transaction): an invitation must not outlive the inviter's right to invite.
    internal async Task<List<AuditEntry>> RevokeSentByAsync(Data.PortalDbContext db, Guid organizationId, string inviterUserId, CancellationToken ct,
        string reason)
    {
        var now = clock.GetUtcNow();
        var pending = await db.Invitations.Where(i => i.InvitedByUserId == inviterUserId && i.AcceptedAt == null && i.RevokedAt == null)
            .ToListAsync(ct);
        var entries = new List<AuditEntry>();
        foreach (var invitation in pending.Where(i => i.ExpiresAt > now))
        {
            invitation.RevokedAt = now;
            entries.Add(new AuditEntry(AuditEventType.InvitationRevoked, "invitation", invitation.Id.ToString(),
                new { email = invitation.Email, role = invitation.Role.ToString(), reason }, organizationId));
        }
        return entries;
    }

    private async Task<(Invitation? Invitation, ServiceError? Refusal)> FindPendingAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
            return (null, ServiceError.Validation("invitation_invalid", "This invitation link is not valid: ask for a new one.", "token"));
        // The invitation's organization is unknown until its secret is looked up.
        await using var lookup = await tenants.UnfilteredAsync("invitation lookup by secret", ct);
        var hash = Hash(token.Trim());
        var invitation = await lookup.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null || invitation.RevokedAt is not null)
            return (null, ServiceError.Validation("invitation_invalid", "This invitation link is not valid (it may have been withdrawn): ask for a new one.", "token"));
        if (invitation.AcceptedAt is not null)
            return (null, ServiceError.Conflict("invitation_used", "This invitation has already been accepted: sign in instead."));
        if (invitation.ExpiresAt <= clock.GetUtcNow())
            return (null, new ServiceError(410, "invitation_expired", "This invitation expired (links are valid for 72 hours): ask for a new one."));
        return (invitation, null);
    }

    private static byte[] Hash(string token) => RandomSecrets.Sha256(token);
}
