using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Portal.Api;
using Portal.Data.Identity;

namespace Portal.Features.Certificates;

/// "Prove it is still you": the password or a current 2FA code, remembered for 5 minutes per user, before a
/// secret is revealed. Wrong answers count towards the account's lockout like a failed sign-in.
public sealed class Reauthentication(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _confirmedAt = new();

    public bool IsFresh(string userId) =>
        _confirmedAt.TryGetValue(userId, out var at) && clock.GetUtcNow() - at < Window;

    public async Task<ServiceError?> CheckAsync(string userId, string? password, string? otp, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(otp))
            return IsFresh(userId) ? null
                : new ServiceError(401, "reauthentication_required", "Re-enter your password (or a code from your authenticator app) to reveal a secret.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return new ServiceError(401, "unauthorized", "Sign in again.");
        if (await users.IsLockedOutAsync(user))
            return ServiceError.Forbidden("account_locked", "Too many failed attempts: the account is locked for 15 minutes.");

        var ok = !string.IsNullOrEmpty(password)
            ? await users.CheckPasswordAsync(user, password)
            : user.TwoFactorEnabled && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, otp!);
        if (!ok)
        {
            await users.AccessFailedAsync(user);
            return new ServiceError(401, "reauthentication_failed", "That password or code is not right; try again.");
        }
        _confirmedAt[userId] = clock.GetUtcNow();
        return null;
    }
}
