using Portal.Features.ApiKeys;
using Portal.Features.Usage;

namespace Portal.Features.TokenIssuance;

public static class TokenIssuanceSetup
{
    /// The public token API: keys, cache, rate limits, issuing, verifying, usage counting.
    public static WebApplicationBuilder AddPortalTokenApi(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<ApiKeyService>();
        s.AddSingleton<IssuanceCache>();
        s.AddHostedService<CacheStampPoller>();
        s.AddSingleton<RateLimits>();
        s.AddSingleton<ApiKeyAuthenticator>();
        s.AddSingleton<TokenIssuer>();
        s.AddSingleton<TokenVerification>();
        s.AddScoped<TestTokens>();
        s.AddScoped<Inspector.TokenInspector>();
        s.AddSingleton<UsageRecorder>();
        s.AddSingleton<UsageFlusher>();
        s.AddHostedService(sp => sp.GetRequiredService<UsageFlusher>());
        s.AddScoped<UsageService>();
        return builder;
    }

    public static WebApplication MapPortalTokenApi(this WebApplication app)
    {
        app.MapTokenApi();
        app.MapCompatApi();
        app.MapApiKeyApi();
        app.MapUsageApi();
        return app;
    }
}
