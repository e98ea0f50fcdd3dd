using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portal.Api;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

public sealed record MeDto(string Id, string Email, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool MustChangePassword);

public sealed record LoginTokenDto(string Token, DateTimeOffset ExpiresAt);

public static class AccountEndpoints
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/token", LoginAsync).AllowAnonymous().WithTags("Account")
            .WithSummary("Exchange email, password and (with 2FA) an authenticator code for a one-hour management token.");

        var me = app.MapGroup("/api/v1/me").RequireAuthorization(ManagementTokenAuthenticationHandler.PolicyName).WithTags("Account");
        me.MapGet("", GetMeAsync).WithSummary("Who the caller is.");
        me.MapGet("/tokens", ListTokensAsync).WithSummary("The caller's management tokens (never their secrets).");
        me.MapPost("/tokens", CreateTokenAsync).WithSummary("Create a named management token; the token is returned once.");
        me.MapDelete("/tokens/{tokenId:guid}", RevokeTokenAsync).WithSummary("Revoke one of the caller's management tokens.");
    }

    private static async Task<Results<Created<LoginTokenDto>, ProblemHttpResult>> LoginAsync(
        ApiLoginRequest request, ApiLoginService logins, HttpContext http, CancellationToken ct)
    {
        var result = await logins.LoginAsync(request, ct);
        if (result.RetryAfter is { } wait)
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result.Token is { } token
            ? TypedResults.Created("/api/v1/me", new LoginTokenDto(token, result.ExpiresAt!.Value))
            : ApiProblems.Problem(result.Status, result.Code!, result.Message!);
    }

    private static async Task<Results<Ok<MeDto>, ProblemHttpResult>> GetMeAsync(ClaimsPrincipal principal, UserManager<PortalUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null) return ApiProblems.Unauthorized();
        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new MeDto(user.Id, user.Email ?? "", roles.Order().ToList(), user.TwoFactorEnabled, user.MustChangePassword));
    }

    private static async Task<Ok<IReadOnlyList<ManagementTokenDto>>> ListTokensAsync(
        ClaimsPrincipal principal, ManagementTokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.ListAsync(UserId(principal), ct));

    private static async Task<Results<Created<CreatedManagementToken>, ProblemHttpResult>> CreateTokenAsync(
        CreateManagementToken input, ClaimsPrincipal principal, ManagementTokenService tokens, AuditActorAccessor actors, CancellationToken ct)
    {
        var creator = Guid.TryParse(principal.FindFirstValue(AuditActorAccessor.TokenIdClaim), out var tokenId) ? tokenId : (Guid?)null;
        var (created, code, error) = await tokens.CreateAsync(UserId(principal), input, actors.Current(), ct, creator);
        return created is null
            ? ApiProblems.Validation(code!, error!)
            : TypedResults.Created($"/api/v1/me/tokens/{created.Info.Id}", created);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(
        Guid tokenId, ClaimsPrincipal principal, ManagementTokenService tokens, AuditActorAccessor actors, CancellationToken ct) =>
        await tokens.RevokeAsync(UserId(principal), tokenId, actors.Current(), ct)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("You have no management token with this id.");

    private static string UserId(ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.NameIdentifier)!;
}
