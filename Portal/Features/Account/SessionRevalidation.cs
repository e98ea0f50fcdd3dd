using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Identity;

namespace Portal.Features.Account;

/// An open admin UI circuit keeps the principal it started with; cookies are re-checked by Identity's security stamp
/// validator on requests, but a circuit makes none. Every <see cref="Interval"/> this checks that the user still exists
/// and that their security stamp (renewed by a password change or reset and by 2FA changes) is the one signed in
/// with; if not, the circuit's user becomes anonymous and the page sends them to sign in.
public sealed class SessionRevalidation(ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        var signedInWith = state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return signedInWith == await users.GetSecurityStampAsync(user);
    }
}
