using Microsoft.AspNetCore.Identity;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

public sealed record ApiLoginRequest(string? Email, string? Password, string? Otp);

public sealed record ApiLoginResult(string? Token, DateTimeOffset? ExpiresAt, int Status, string? Code, string? Message, TimeSpan? RetryAfter = null);

/// `POST /api/v1/auth/token`: a one-hour management token for email + password (+ authenticator code), with the
/// same lockout, 2FA and forced-password-change rules as the login page.
public sealed class ApiLoginService(
    UserManager<PortalUser> users, SignInManager<PortalUser> signIn, ManagementTokenService tokens,
    AuditActorAccessor actors, TimeProvider clock, LoginThrottle throttle, IHttpContextAccessor http)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public async Task<ApiLoginResult> LoginAsync(ApiLoginRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
            return Refused(400, "credentials_required", "Send both `email` and `password`.");
        if (throttle.RetryAfter(LoginThrottle.AddressOf(http.HttpContext)) is { } wait)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            return Refused(429, "too_many_login_attempts",
                $"Too many failed sign-ins from your network: try again in {minutes} minute{(minutes == 1 ? "" : "s")}. No password was checked.") with
            { RetryAfter = wait };
        }

        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            // Same work and answer as a wrong password, so the response does not reveal which emails exist.
            await signIn.PasswordSignInAsync(request.Email.Trim(), request.Password, false, true);
            return InvalidCredentials();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (check.IsLockedOut)
            return Refused(403, "account_locked", $"Too many failed attempts: the account is locked until {user.LockoutEnd:u}. Try again later.");
        if (check.IsNotAllowed) return Refused(403, "account_not_allowed", "This account may not sign in yet; ask your administrator.");
        if (!check.Succeeded) return InvalidCredentials();

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.Otp))
                return Refused(401, "otp_required", "Two-factor authentication is on for this account: send the current code from your authenticator app as `otp`.");
            if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, request.Otp))
            {
                await users.AccessFailedAsync(user);
                if (signIn is PortalSignInManager portal) await portal.FailedFromAddressAsync();
                return Refused(401, "otp_invalid", "The authenticator code is wrong, expired or already used: wait for the next code and try again.");
            }
            await users.ResetAccessFailedCountAsync(user);
        }

        if (user.MustChangePassword)
            return Refused(403, "password_change_required", "Your password must be changed first: sign in to the portal and set a new one.");

        var now = clock.GetUtcNow();
        var secret = ManagementTokenSecrets.NewToken();
        var created = await tokens.AddAsync(user.Id, $"API login {now:yyyy-MM-dd HH:mm}Z", secret, now + Lifetime,
            actors.ForUser(user.Id, user.Email), AuditEventType.ManagementTokenIssuedForLogin, ManagementTokenKind.Login, ct);
        return new ApiLoginResult(secret, created.ExpiresAt, 201, null, null);
    }

    private static ApiLoginResult InvalidCredentials() =>
        Refused(401, "invalid_credentials", "The email or password is wrong. After 5 failed attempts the account is locked for 15 minutes.");

    private static ApiLoginResult Refused(int status, string code, string message) => new(null, null, status, code, message);
}
