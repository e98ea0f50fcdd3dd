using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Api;
using Portal.Common;
using Portal.Data.ApiKeys;

namespace Portal.Features.TokenIssuance;

/// `/api/v1/tokens/*`: the key (header only) identifies the project.
public static class TokenEndpoints
{
    public static void MapTokenApi(this IEndpointRouteBuilder app)
    {
        // A fixed small JSON answer: the HTTP ceiling that the load script compares the token route with.
        app.MapGet("/api/v1/ping", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().WithTags("Tokens");

        var (keys, issuer, _) = HotPathServices(app);
        var verification = app.ServiceProvider.GetRequiredService<TokenVerification>();
        // Short-circuited: answered by the routing middleware as soon as matched, past sign-in, authorization,
        // antiforgery and the other middleware of the admin UI that these routes never use. What they do need (the API's
        // error answers, the body limit, CORS, the security headers) runs before routing (PortalApp).
        var tokens = app.MapGroup("/api/v1/tokens").AllowAnonymous().WithTags("Tokens");
        tokens.ShortCircuit();
        tokens.MapPost("/rtc", async (RtcTokenRequest request, HttpContext http) =>
            await IssueAsync(http, keys, ApiKeyScopes.Rtc, "rtc", key => issuer.Rtc(key, request)))
            .Accepts<RtcTokenRequest>("application/json").ProducesToken()
            .WithSummary("An RTC token (optionally with RTM) for a channel and uid or account.");
        tokens.MapPost("/rtm", async (RtmTokenRequest request, HttpContext http) =>
            await IssueAsync(http, keys, ApiKeyScopes.Rtm, "rtm", key => issuer.Rtm(key, request)))
            .Accepts<RtmTokenRequest>("application/json").ProducesToken()
            .WithSummary("An RTM login token for a user id.");
        tokens.MapPost("/chat", async (ChatTokenRequest request, HttpContext http) =>
            await IssueAsync(http, keys, ApiKeyScopes.Chat, "chat", key => issuer.Chat(key, request)))
            .Accepts<ChatTokenRequest>("application/json").ProducesToken()
            .WithSummary("A Chat user token, or (secret keys with the chat_app scope, when the policy allows it) an app token when no userId is given.");
        tokens.MapPost("/verify", async Task<Results<Ok<VerifyTokenResponse>, ProblemHttpResult>> (VerifyTokenRequest request, HttpContext http) =>
        {
            var key = await keys.AuthenticateAsync(http, ApiKeyScopes.Verify, allowQueryKey: false);
            return key.Ok ? TypedResults.Ok(verification.Verify(key.Key, request)) : Refused(http, key, "verify");
        }).Accepts<VerifyTokenRequest>("application/json").WithSummary("Check a token against the project's Active and in-grace Previous certificates.");
    }

    /// The token routes' services, resolved once when the routes are mapped (all singletons): a handler parameter would
    /// be resolved from the request's services, which opens a DI scope per request just to hand out singletons.
    internal static (ApiKeyAuthenticator Keys, TokenIssuer Issuer, TimeProvider Clock) HotPathServices(IEndpointRouteBuilder app) =>
        (app.ServiceProvider.GetRequiredService<ApiKeyAuthenticator>(), app.ServiceProvider.GetRequiredService<TokenIssuer>(),
            app.ServiceProvider.GetRequiredService<TimeProvider>());

    internal static async Task<IResult> IssueAsync(HttpContext http, ApiKeyAuthenticator keys,
        ApiKeyScopes scope, string service, Func<KeySnapshot, Result<TokenResponse>> issue)
    {
        var key = await keys.AuthenticateAsync(http, scope, allowQueryKey: false);
        if (!key.Ok) return Refused(http, key, service);
        var result = issue(key.Key); // the issuer counts its outcome
        return result.Ok ? TokenJson.Ok(result.Value) : result.Error.ToProblem();
    }

    /// A refused key check as its problem, counted against the key when it was known. (The counter is looked up only
    /// here, on the way out of a refusal, rather than injected into every handler.)
    internal static ProblemHttpResult Refused(HttpContext http, KeyCheck key, string service)
    {
        http.RequestServices.GetRequiredService<IssuanceCounter>().Refused(key, service);
        return key.Error!.ToProblem();
    }

    /// The answers' documentation: the handlers return a hand-written <see cref="TokenJson"/> result.
    private static RouteHandlerBuilder ProducesToken(this RouteHandlerBuilder route) => route
        .Produces<TokenResponse>(StatusCodes.Status200OK, "application/json")
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
