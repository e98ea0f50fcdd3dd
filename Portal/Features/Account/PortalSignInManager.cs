using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

/// Identity's SignInManager with three changes: every password check counts towards lockout (the default UI's
/// login page passes lockoutOnFailure: false), a client address with too many recent failures is refused before any
/// password is checked (<see cref="LoginThrottle"/>; answered as locked out), and each outcome is written to the audit log.
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<PortalUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation, PortalDbContext db, AuditLog audit, AuditActorAccessor actors, TimeProvider clock,
    LoginThrottle throttle)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (IsThrottled) return SignInResult.LockedOut;
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            // As much work as checking a real password, so the answer's time does not tell which e-mails have accounts.
            UserManager.PasswordHasher.VerifyHashedPassword(Unknown, UnknownHash(UserManager.PasswordHasher), password);
            await RecordAsync(null, userName, AuditEventType.LoginFailed, new { reason = "unknown_user" }, succeeded: false);
            await FailedFromAddressAsync();
            return SignInResult.Failed;
        }
        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: true);
    }

    private static readonly PortalUser Unknown = new() { Id = "unknown", UserName = "unknown" };
    private static string? _unknownHash;

    private static string UnknownHash(IPasswordHasher<PortalUser> hasher) =>
        _unknownHash ??= hasher.HashPassword(Unknown, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)));

    /// The client address is over its failed sign-in allowance (see LoginThrottle).
    public bool IsThrottled => throttle.RetryAfter(LoginThrottle.AddressOf(Context)) is not null;

    public override async Task<SignInResult> CheckPasswordSignInAsync(PortalUser user, string password, bool lockoutOnFailure)
    {
        if (IsThrottled) return SignInResult.LockedOut; // no hashing, and no lockout counting on the attacked account
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded) await FailedFromAddressAsync();
        if (result.IsLockedOut)
            await RecordAsync(user, user.Email, AuditEventType.AccountLockedOut, new { lockoutEnd = user.LockoutEnd }, succeeded: false);
        else if (!result.Succeeded)
            await RecordAsync(user, user.Email, AuditEventType.LoginFailed,
                new { reason = result.IsNotAllowed ? "not_allowed" : "wrong_password", failedCount = user.AccessFailedCount }, succeeded: false);
        return result;
    }

    public override async Task<SignInResult> PasswordSignInAsync(PortalUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: true);
        if (result.Succeeded) await SignedInAsync(user, "password");
        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        if (IsThrottled) return SignInResult.LockedOut;
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        await TwoFactorOutcomeAsync(user, result, "authenticator");
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        if (IsThrottled) return SignInResult.LockedOut;
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        await TwoFactorOutcomeAsync(user, result, "recovery_code");
        return result;
    }

    private async Task TwoFactorOutcomeAsync(PortalUser? user, SignInResult result, string method)
    {
        if (user is null) return;
        if (!result.Succeeded) await FailedFromAddressAsync();
        if (result.Succeeded) await SignedInAsync(user, method);
        else if (result.IsLockedOut) await RecordAsync(user, user.Email, AuditEventType.AccountLockedOut, new { method }, succeeded: false);
        else await RecordAsync(user, user.Email, AuditEventType.LoginFailed, new { reason = "wrong_second_factor", method }, succeeded: false);
    }

    private async Task SignedInAsync(PortalUser user, string method)
    {
        user.LastSignInAt = clock.GetUtcNow();
        await UserManager.UpdateAsync(user);
        await RecordAsync(user, user.Email, AuditEventType.LoginSucceeded, new { method }, succeeded: true);
    }

    /// Counts a failed attempt against the client address; the attempt that starts a block is audited, once.
    public async Task FailedFromAddressAsync()
    {
        var address = LoginThrottle.AddressOf(Context);
        if (throttle.RecordFailure(address))
            await RecordAsync(null, null, AuditEventType.SignInThrottled, new { address, throttle.Limit, throttle.WindowMinutes }, succeeded: false);
    }

    private Task RecordAsync(PortalUser? user, string? email, AuditEventType type, object details, bool succeeded) =>
        audit.SaveAsync(db, actors.ForUser(user?.Id, email), new AuditEntry(type, "user", user?.Id, details, Succeeded: succeeded),
            CancellationToken.None);
}
