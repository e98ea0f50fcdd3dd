namespace Portal.Features.TokenIssuance;

/// CORS and caching for the token routes (and the token exchange). A preflight carries no key header, so it is answered for any origin
/// (with `?key=` on a drop-in route the actual request's check decides); the real request is refused with
/// `origin_not_allowed` unless the origin is one of the key's. Tokens are never cached.
public static class TokenCors
{
    public static IApplicationBuilder UseTokenCors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api/v1/tokens") && !path.StartsWithSegments("/compat") && !IsProjectExchange(path))
        {
            await next(context);
            return;
        }
        var origin = context.Request.Headers.Origin.ToString();
        // An origin is echoed into a response header, which Kestrel refuses to write (an exception, a 500) when it
        // holds a non-ASCII or control character. No browser sends such an Origin: treat it as no origin at all.
        if (!IsEchoable(origin)) origin = "";
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        if (origin.Length > 0)
        {
            headers.AccessControlAllowOrigin = origin;
            headers.Vary = "Origin";
            headers.AccessControlExposeHeaders = "Retry-After";
        }
        if (HttpMethods.IsOptions(context.Request.Method) && origin.Length > 0)
        {
            headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
            headers.AccessControlAllowHeaders = "Authorization, X-Api-Key, X-Portal-Project, Content-Type";
            headers.AccessControlMaxAge = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await next(context);
    });

    /// `/api/v1/projects/{projectId}/tokens/exchange` (token exchange): CORS as for the other token routes.
    private static bool IsProjectExchange(PathString path) =>
        path.StartsWithSegments("/api/v1/projects", out var rest) && rest.Value is { } r && r.EndsWith("/tokens/exchange", StringComparison.Ordinal);

    private static bool IsEchoable(string origin)
    {
        foreach (var ch in origin)
            if (ch is < ' ' or > '~') return false;
        return true;
    }
}
