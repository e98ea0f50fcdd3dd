using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

/// Identity's UserManager plus the account events the audit log records. The Identity UI pages call these
/// methods, so the events are written however the change is made.
public sealed class PortalUserManager(
    IUserStore<PortalUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<PortalUser> passwordHasher,
    IEnumerable<IUserValidator<PortalUser>> userValidators, IEnumerable<IPasswordValidator<PortalUser>> passwordValidators,
    ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<PortalUser>> logger,
    PortalDbContext db, AuditLog audit, AuditActorAccessor actors)
    : UserManager<PortalUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<IdentityResult> ChangePasswordAsync(PortalUser user, string currentPassword, string newPassword)
    {
        var result = await base.ChangePasswordAsync(user, currentPassword, newPassword);
        if (result.Succeeded) await PasswordWasSetAsync(user, AuditEventType.PasswordChanged);
        return result;
    }

    public override async Task<IdentityResult> ResetPasswordAsync(PortalUser user, string token, string newPassword)
    {
        var result = await base.ResetPasswordAsync(user, token, newPassword);
        if (result.Succeeded) await PasswordWasSetAsync(user, AuditEventType.PasswordReset);
        return result;
    }

    public override async Task<IdentityResult> SetTwoFactorEnabledAsync(PortalUser user, bool enabled)
    {
        var was = user.TwoFactorEnabled;
        var result = await base.SetTwoFactorEnabledAsync(user, enabled);
        if (result.Succeeded && was != enabled)
            await RecordAsync(user, enabled ? AuditEventType.TwoFactorEnabled : AuditEventType.TwoFactorDisabled);
        return result;
    }

    private async Task PasswordWasSetAsync(PortalUser user, AuditEventType type)
    {
        user.MustChangePassword = false;
        await UpdateAsync(user);
        await RecordAsync(user, type);
    }

    private Task RecordAsync(PortalUser user, AuditEventType type) =>
        audit.SaveAsync(db, actors.ForUser(user.Id, user.Email), new AuditEntry(type, "user", user.Id), CancellationToken.None);
}
