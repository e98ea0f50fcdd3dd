using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Portal.Common;
using Portal.Data.Identity;

namespace Portal.Features.Certificates;

/// "Prove it is still you": the password or a current 2FA code, remembered for 5 minutes for the session that gave
/// it (one UI circuit, or one management token), before a secret is revealed. Another session of the same user, say a
/// stolen token, proves it for itself. Wrong answers count towards the account's lockout like a failed sign-in.
public sealed class Reauthentication(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(string User, string Session), DateTimeOffset> _confirmedAt = new();

    /// <param name="session">From <see cref="Organizations.OrgCaller.Session"/>; without one nothing is remembered.</param>
    public bool IsFresh(string userId, string? session) =>
        session is not null && _confirmedAt.TryGetValue((userId, session), out var at) && clock.GetUtcNow() - at < Window;

    public async Task<ServiceError?> CheckAsync(string userId, string? session, string? password, string? otp, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(otp))
            return IsFresh(userId, session) ? null
                : new ServiceError(401, "reauthentication_required", "Re-enter your password (or a code from your authenticator app) to reveal a secret.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return new ServiceError(401, "unauthorized", "Sign in again.");
        if (await VerifyAsync(users, user, password, otp) is { } refused) return refused;
        var now = clock.GetUtcNow();
        if (session is not null) _confirmedAt[(userId, session)] = now;
        if (_confirmedAt.Count > 10_000) // sessions end without telling: forget the stale proofs
            foreach (var (key, at) in _confirmedAt)
                if (now - at >= Window) _confirmedAt.TryRemove(key, out _);
        return null;
    }

    /// The check itself, on the caller's own user manager: a code's acceptance saves the user (its time step), so a
    /// caller that goes on to change the same user must hold the instance that was saved.
    public static async Task<ServiceError?> VerifyAsync(UserManager<PortalUser> users, PortalUser user, string? password, string? otp)
    {
        if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(otp))
            return new ServiceError(401, "reauthentication_required", "Re-enter your password (or a code from your authenticator app).");
        if (await users.IsLockedOutAsync(user))
            return ServiceError.Forbidden("account_locked", "Too many failed attempts: the account is locked for 15 minutes.");
        var ok = !string.IsNullOrEmpty(password)
            ? await users.CheckPasswordAsync(user, password)
            : user.TwoFactorEnabled && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, otp!);
        if (ok) return null;
        await users.AccessFailedAsync(user);
        return new ServiceError(401, "reauthentication_failed", "That password or code is not right; try again.");
    }
}
