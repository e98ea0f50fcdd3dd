using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

/// Identity's UserManager plus the account events the audit log records. The Identity UI pages call these
/// methods, so the events are written however the change is made. A changed or reset password, and 2FA turned on,
/// also end what the old credentials could still do: the user's management tokens are revoked, and the security
/// stamp (which Identity renews) ends the user's other cookie sessions and circuits within a minute (IdentitySetup).
public sealed class PortalUserManager(
    IUserStore<PortalUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<PortalUser> passwordHasher,
    IEnumerable<IUserValidator<PortalUser>> userValidators, IEnumerable<IPasswordValidator<PortalUser>> passwordValidators,
    ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<PortalUser>> logger,
    PortalDbContext db, AuditLog audit, AuditActorAccessor actors, ManagementTokenService tokens, IHttpContextAccessor http)
    : UserManager<PortalUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<IdentityResult> ChangePasswordAsync(PortalUser user, string currentPassword, string newPassword)
    {
        // Checked before the transaction too: on SQLite it holds the write lock, and a loop of wrong passwords must not
        // hold it for a password hash each while every other write waits.
        if (!await CheckPasswordAsync(user, currentPassword)) return IdentityResult.Failed(ErrorDescriber.PasswordMismatch());
        return await InOneTransactionAsync(async () =>
        {
            var result = await base.ChangePasswordAsync(user, currentPassword, newPassword);
            if (result.Succeeded) await PasswordWasSetAsync(user, AuditEventType.PasswordChanged, "password_changed");
            return result;
        });
    }

    public override async Task<IdentityResult> ResetPasswordAsync(PortalUser user, string token, string newPassword)
    {
        // Likewise: an anonymous caller with a made-up reset token never takes the write lock.
        if (!await VerifyUserTokenAsync(user, Options.Tokens.PasswordResetTokenProvider, ResetPasswordTokenPurpose, token))
            return IdentityResult.Failed(ErrorDescriber.InvalidToken());
        return await InOneTransactionAsync(async () =>
        {
            var result = await base.ResetPasswordAsync(user, token, newPassword);
            if (result.Succeeded) await PasswordWasSetAsync(user, AuditEventType.PasswordReset, "password_reset");
            return result;
        });
    }

    /// A new key forgets the old key's last accepted time step: the new key's first code may fall in that same step.
    public override Task<IdentityResult> ResetAuthenticatorKeyAsync(PortalUser user)
    {
        user.LastTotpTimeStep = 0;
        return base.ResetAuthenticatorKeyAsync(user);
    }

    /// *Reset authenticator key*: 2FA off and a new key, saved together (a failure half-way must not leave 2FA off
    /// with the old key still set up).
    public Task<IdentityResult> ReplaceAuthenticatorAsync(PortalUser user) => InOneTransactionAsync(async () =>
    {
        var off = await SetTwoFactorEnabledAsync(user, false);
        if (!off.Succeeded) return off;
        var reset = await ResetAuthenticatorKeyAsync(user);
        if (!reset.Succeeded) throw new InvalidOperationException("The authenticator key could not be reset: " + reset); // rolls back 2FA off
        return reset;
    });

    public override async Task<IdentityResult> SetTwoFactorEnabledAsync(PortalUser user, bool enabled)
    {
        var was = user.TwoFactorEnabled;
        var result = await InOneTransactionAsync(async () =>
        {
            var set = await base.SetTwoFactorEnabledAsync(user, enabled);
            if (set.Succeeded && was != enabled)
                await RecordAsync(user, enabled ? AuditEventType.TwoFactorEnabled : AuditEventType.TwoFactorDisabled,
                    enabled ? "two_factor_enabled" : null);
            return set;
        });
        if (result.Succeeded && was != enabled) await KeepOwnSessionAsync(user); // the stamp changed: this session must not end with the others
        return result;
    }

    /// A credential change and what it ends (the user's management tokens) and records (its audit events) are saved
    /// together: a failure half-way must never leave a new password, or 2FA turned on, with the old tokens still working.
    private async Task<IdentityResult> InOneTransactionAsync(Func<Task<IdentityResult>> change)
    {
        if (db.Database.CurrentTransaction is not null) return await change();
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await change();
        await tx.CommitAsync(); // a refused change (wrong current password) wrote nothing; an exception rolls back
        return result;
    }

    private async Task PasswordWasSetAsync(PortalUser user, AuditEventType type, string reason)
    {
        user.MustChangePassword = false;
        var updated = await UpdateAsync(user);
        if (!updated.Succeeded) throw new InvalidOperationException("The account could not be saved after its password was set: " + updated);
        await RecordAsync(user, type, reason);
    }

    /// The account event and, when <paramref name="revokeReason"/> is given, the revocation of the user's management
    /// tokens, in one save on the transaction's context.
    private async Task RecordAsync(PortalUser user, AuditEventType type, string? revokeReason)
    {
        List<AuditEntry> entries = [new(type, "user", user.Id)];
        if (revokeReason is not null && await tokens.StageRevokeAllAsync(db, user.Id, revokeReason, CancellationToken.None) is { } revoked)
            entries.Add(revoked);
        await audit.SaveAsync(db, actors.ForUser(user.Id, user.Email), entries, CancellationToken.None);
    }

    /// The page that made the change signs its own session in again with the new stamp (Identity's pages do so after a
    /// password change, but not after turning 2FA on or off).
    private async Task KeepOwnSessionAsync(PortalUser user)
    {
        if (http.HttpContext?.User is not { Identity.IsAuthenticated: true } signedIn || GetUserId(signedIn) != user.Id) return;
        if (signedIn.Identity.AuthenticationType != IdentityConstants.ApplicationScheme) return;
        // Resolved now, not injected: SignInManager itself depends on this UserManager.
        await http.HttpContext.RequestServices.GetRequiredService<SignInManager<PortalUser>>().RefreshSignInAsync(user);
    }
}
