namespace Portal.Features.ClientSdk;

/// The JavaScript client kit in wwwroot/sdk: `portal-token.js` (an ES module that customers' pages import from
/// Portal) and the demo page at `/sdk/demo`.
public static class ClientSdkSetup
{
    private const string DemoFile = "sdk/demo/index.html";

    /// Nothing to register: the kit is static files (and one route for the demo page).
    public static WebApplicationBuilder AddClientSdk(this WebApplicationBuilder builder) => builder;

    /// A module script from another origin is fetched in CORS mode, so `import("https://portal…/sdk/portal-token.js")`
    /// from a customer's page needs `Access-Control-Allow-Origin`. The files are public and carry no credentials: `*`.
    public static IApplicationBuilder UseClientSdkCors(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/sdk") && context.Request.Path.Value!.EndsWith(".js", StringComparison.Ordinal))
            context.Response.Headers.AccessControlAllowOrigin = "*";
        return next(context);
    });

    /// `/sdk/demo` serves the demo's page; its script and styles are static files next to it.
    public static IEndpointRouteBuilder MapClientSdk(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sdk/demo", (IWebHostEnvironment env) =>
        {
            var file = env.WebRootFileProvider.GetFileInfo(DemoFile);
            return file.Exists ? Results.File(file.CreateReadStream(), "text/html; charset=utf-8") : Results.NotFound();
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
