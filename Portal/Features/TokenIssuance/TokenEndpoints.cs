using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Api;
using Portal.Data.ApiKeys;

namespace Portal.Features.TokenIssuance;

/// `/api/v1/tokens/*`: the key (header only) identifies the project.
public static class TokenEndpoints
{
    public static void MapTokenApi(this IEndpointRouteBuilder app)
    {
        // A fixed small JSON answer: the HTTP ceiling that the load script compares the token route with.
        app.MapGet("/api/v1/ping", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().WithTags("Tokens");

        var tokens = app.MapGroup("/api/v1/tokens").AllowAnonymous().WithTags("Tokens");
        tokens.MapPost("/rtc", async (RtcTokenRequest request, HttpContext http, ApiKeyAuthenticator keys, TokenIssuer issuer) =>
            await IssueAsync(http, keys, ApiKeyScopes.Rtc, "rtc", key => issuer.Rtc(key, request)))
            .WithSummary("An RTC token (optionally with RTM) for a channel and uid or account.");
        tokens.MapPost("/rtm", async (RtmTokenRequest request, HttpContext http, ApiKeyAuthenticator keys, TokenIssuer issuer) =>
            await IssueAsync(http, keys, ApiKeyScopes.Rtm, "rtm", key => issuer.Rtm(key, request)))
            .WithSummary("An RTM login token for a user id.");
        tokens.MapPost("/chat", async (ChatTokenRequest request, HttpContext http, ApiKeyAuthenticator keys, TokenIssuer issuer) =>
            await IssueAsync(http, keys, ApiKeyScopes.Chat, "chat", key => issuer.Chat(key, request)))
            .WithSummary("A Chat user token, or an app token when no userId is given.");
        tokens.MapPost("/verify", async Task<Results<Ok<VerifyTokenResponse>, ProblemHttpResult>> (VerifyTokenRequest request, HttpContext http,
            ApiKeyAuthenticator keys, TokenVerification verification) =>
        {
            var key = await keys.AuthenticateAsync(http, ApiKeyScopes.Verify, "verify", allowQueryKey: false);
            return key.Ok ? TypedResults.Ok(verification.Verify(key.Value!, request)) : key.Error!.ToProblem();
        }).WithSummary("Check a token against the project's Active and in-grace Previous certificates.");
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueAsync(HttpContext http, ApiKeyAuthenticator keys,
        ApiKeyScopes scope, string service, Func<KeySnapshot, Result<TokenResponse>> issue)
    {
        var key = await keys.AuthenticateAsync(http, scope, service, allowQueryKey: false);
        if (!key.Ok) return key.Error!.ToProblem();
        var result = issue(key.Value!);
        return result.Ok ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }
}
