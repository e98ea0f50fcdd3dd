using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Api;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.Account;

/// `Authorization: Bearer ptm_...` for the management API. Looks the token up by its visible prefix and
/// compares the hash in constant time; answers 401/403 as problem+json.
public sealed class ManagementTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbs, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ManagementToken";
    public const string PolicyName = "ManagementApi";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length is < 16 or > 512) return AuthenticateResult.Fail("malformed token");

        await using var db = await dbs.CreateDbContextAsync(Context.RequestAborted);
        var prefix = ManagementTokenSecrets.PrefixOf(secret);
        var candidates = await db.ManagementTokens.Include(t => t.User).Where(t => t.Prefix == prefix).ToListAsync(Context.RequestAborted);
        var now = clock.GetUtcNow();
        var token = candidates.FirstOrDefault(t => ManagementTokenSecrets.Matches(secret, t.SecretHash));
        if (token?.User is not { } user || !token.IsUsableAt(now)) return AuthenticateResult.Fail("unknown, expired or revoked token");
        if (user.LockoutEnd > now) return AuthenticateResult.Fail("account locked");

        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            token.LastUsedAt = now; // to the minute, so the management API does not write on every call
            await db.SaveChangesAsync(Context.RequestAborted);
        }

        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == user.Id
                           select r.Name).ToListAsync(Context.RequestAborted);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? user.Id),
            new(ClaimTypes.Email, user.Email ?? ""),
            new(AuditActorAccessor.TokenIdClaim, token.Id.ToString()),
        };
        claims.AddRange(roles.Where(r => r is not null).Select(r => new Claim(ClaimTypes.Role, r!)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiProblems.Unauthorized(Request.Headers.Authorization.Count == 0
            ? "Send a management token as `Authorization: Bearer <token>`; create one on your account page or with POST /api/v1/auth/token."
            : "The management token is unknown, expired or revoked; create a new one on your account page.").ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Your role does not allow this action.").ExecuteAsync(Context);
}
