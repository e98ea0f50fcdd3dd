namespace Portal.Security;

public static class SecurityHeaders
{
    // Blazor Server needs only same-origin scripts and its WebSocket; MudBlazor sets inline styles.
    // The API reference page (Scalar) runs inline bootstrapping code, so it gets a page-specific policy.
    private const string AppPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
    private const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    // The SDK demo page may load Agora's Web SDK from Agora's download site, and that SDK (and a Portal at another
    // address typed into the page) connects to hosts the page cannot list in advance. Only this page gets that policy.
    // Its exchange mode fetches ID tokens from an identity provider, which on a developer's machine is a local test
    // issuer on plain http: loopback only, never other http hosts.
    private const string SdkDemoPolicy =
        "default-src 'self'; script-src 'self' https://download.agora.io; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "media-src 'self' blob:; font-src 'self' data:; connect-src 'self' https: wss: http://127.0.0.1:* http://localhost:*; worker-src 'self' blob:; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            var path = context.Request.Path;
            headers.ContentSecurityPolicy = path.StartsWithSegments("/api/docs") ? DocsPolicy
                : path.StartsWithSegments("/sdk/demo") ? SdkDemoPolicy
                : AppPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
