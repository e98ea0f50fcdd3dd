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
        var result = await base.ChangePasswordAsync(user, currentPassword, newPassword);
        if (result.Succeeded) await PasswordWasSetAsync(user, AuditEventType.PasswordChanged, "password_changed");
        return result;
    }

    public override async Task<IdentityResult> ResetPasswordAsync(PortalUser user, string token, string newPassword)
    {
        var result = await base.ResetPasswordAsync(user, token, newPassword);
        if (result.Succeeded) await PasswordWasSetAsync(user, AuditEventType.PasswordReset, "password_reset");
        return result;
    }

    public override async Task<IdentityResult> SetTwoFactorEnabledAsync(PortalUser user, bool enabled)
    {
        var was = user.TwoFactorEnabled;
        var result = await base.SetTwoFactorEnabledAsync(user, enabled);
        if (result.Succeeded && was != enabled)
        {
            await RecordAsync(user, enabled ? AuditEventType.TwoFactorEnabled : AuditEventType.TwoFactorDisabled);
            if (enabled) await tokens.RevokeAllAsync(user.Id, actors.ForUser(user.Id, user.Email), "two_factor_enabled", CancellationToken.None);
            await KeepOwnSessionAsync(user); // the stamp changed: this session must not end with the others
        }
        return result;
    }

    private async Task PasswordWasSetAsync(PortalUser user, AuditEventType type, string reason)
    {
        user.MustChangePassword = false;
        await UpdateAsync(user);
        await RecordAsync(user, type);
        await tokens.RevokeAllAsync(user.Id, actors.ForUser(user.Id, user.Email), reason, CancellationToken.None);
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

    private Task RecordAsync(PortalUser user, AuditEventType type) =>
        audit.SaveAsync(db, actors.ForUser(user.Id, user.Email), new AuditEntry(type, "user", user.Id), CancellationToken.None);
}
