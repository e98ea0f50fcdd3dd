using Portal.Api;
using Portal.Common;
using Portal.Data.ApiKeys;

namespace Portal.Features.TokenIssuance;

/// Drop-in routes with the shapes of the token servers apps already call: the tutorial's `access_token`,
/// Agora's Node/Go servers (`rtc`, `rtm`, `rte`) and `getToken`. Same keys, policies, errors and counting.
public static class CompatEndpoints
{
    public sealed record GetTokenRequest(string? TokenType, string? Channel, string? Role, string? Uid, long? Expire)
    {
        public static ValueTask<GetTokenRequest?> BindAsync(HttpContext http) => JsonBody.ReadAsync<GetTokenRequest>(http);
    }

    public static void MapCompatApi(this IEndpointRouteBuilder app)
    {
        var (keys, issuer, clock) = TokenEndpoints.HotPathServices(app);
        var compat = app.MapGroup("/compat/{projectId:guid}").AllowAnonymous().WithTags("Drop-in token servers");
        compat.ShortCircuit();
        compat.MapGet("/ping", () => TypedResults.Ok(new { message = "pong" }));

        compat.MapGet("/access_token", async (Guid projectId, string? channel, string? uid, string? expiredTs, HttpContext http) =>
            await IssueAsync(http, keys, projectId, ApiKeyScopes.Rtc, "rtc", key =>
            {
                var (parsedUid, uidError) = CompatParsing.Uid(uid, "uid");
                if (uidError is not null) return uidError;
                var (expire, expireError) = CompatParsing.ExpiredTs(expiredTs, clock.GetUtcNow());
                if (expireError is not null) return expireError;
                return issuer.Rtc(key, new RtcTokenRequest(channel, parsedUid, null, "publisher", expire, null, null, null, null));
            }, r => TokenJson.Fields("token", r.Token)));

        compat.MapGet("/rtc/{channel}/{role}/{tokentype}/{uid}", async (Guid projectId, string channel, string role, string tokentype, string uid,
            long? expiry, HttpContext http) =>
            await IssueAsync(http, keys, projectId, ApiKeyScopes.Rtc, "rtc",
                key => CompatParsing.Rtc(issuer, key, channel, role, tokentype, uid, expiry, null), r => TokenJson.Fields("rtcToken", r.Token)));

        compat.MapGet("/rtm/{uid}", async (Guid projectId, string uid, long? expiry, HttpContext http) =>
            await IssueAsync(http, keys, projectId, ApiKeyScopes.Rtm, "rtm",
                key => issuer.Rtm(key, new RtmTokenRequest(uid, expiry, null)), r => TokenJson.Fields("rtmToken", r.Token)));

        compat.MapGet("/rte/{channel}/{role}/{tokentype}/{uid}", async (Guid projectId, string channel, string role, string tokentype, string uid,
            long? expiry, HttpContext http) =>
        {
            var key = await keys.AuthenticateAsync(http, ApiKeyScopes.Rtc, allowQueryKey: true, projectId);
            if (!key.Ok) return TokenEndpoints.Refused(http, key, "rtc");
            var rtc = CompatParsing.Rtc(issuer, key.Key, channel, role, tokentype, uid, expiry, null);
            if (!rtc.Ok) return Problem(rtc.Error);
            if (!key.Key.Scopes.HasFlag(ApiKeyScopes.Rtm)) return Problem(ServiceError.Forbidden("scope_missing", "rte needs a key with both the rtc and rtm scopes."));
            var rtm = issuer.Rtm(key.Key, new RtmTokenRequest(uid, expiry, null));
            return rtm.Ok ? TokenJson.Fields("rtcToken", rtc.Value.Token, "rtmToken", rtm.Value.Token) : Problem(rtm.Error);
        });

        compat.MapPost("/getToken", async (Guid projectId, GetTokenRequest request, HttpContext http) =>
        {
            var (scope, service) = request.TokenType switch
            {
                "rtm" => (ApiKeyScopes.Rtm, "rtm"),
                "chat" => (ApiKeyScopes.Chat, "chat"),
                _ => (ApiKeyScopes.Rtc, "rtc"),
            };
            if (request.TokenType is not ("rtc" or "rtm" or "chat"))
                return Problem(ServiceError.Validation("token_type_invalid", "`tokenType` must be rtc, rtm or chat.", "tokenType"));
            return await IssueAsync(http, keys, projectId, scope, service, key => service switch
            {
                "rtm" => issuer.Rtm(key, new RtmTokenRequest(request.Uid, request.Expire, null)),
                "chat" => issuer.Chat(key, new ChatTokenRequest(string.IsNullOrEmpty(request.Uid) ? null : request.Uid, request.Expire)),
                _ => CompatParsing.Rtc(issuer, key, request.Channel, request.Role ?? "publisher", "uid", request.Uid ?? "0", request.Expire, null),
            }, r => TokenJson.Fields("token", r.Token));
        }).Accepts<GetTokenRequest>("application/json");
    }

    private static async Task<IResult> IssueAsync(HttpContext http, ApiKeyAuthenticator keys, Guid projectId, ApiKeyScopes scope, string service,
        Func<KeySnapshot, Result<TokenResponse>> issue, Func<TokenResponse, IResult> shape)
    {
        var key = await keys.AuthenticateAsync(http, scope, allowQueryKey: true, projectId);
        if (!key.Ok) return TokenEndpoints.Refused(http, key, service);
        var result = issue(key.Key); // the issuer counts its outcome
        return result.Ok ? shape(result.Value) : Problem(result.Error);
    }

    private static IResult Problem(ServiceError error) => error.ToProblem();
}
