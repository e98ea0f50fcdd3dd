namespace Portal.Features.TokenIssuance;

public static class TokenIssuanceSetup
{
    /// The public token API and the drop-in routes: key lookup (cached, refreshed by the cache stamp), rate limits,
    /// the policy gate, issuing, verifying, and the project page's test tokens.
    public static WebApplicationBuilder AddTokenIssuance(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<IssuanceCache>();
        s.AddSingleton<CacheStampPoller>();
        s.AddHostedService(sp => sp.GetRequiredService<CacheStampPoller>());
        s.AddSingleton<RateLimits>();
        s.AddSingleton<ApiKeyAuthenticator>();
        s.AddSingleton<IssuanceCounter>();
        s.AddSingleton<TokenIssuer>();
        s.AddSingleton<TokenVerification>();
        s.AddScoped<TestTokens>();
        // The warm-up before /readyz turns 200 (Portal:WarmUp): a hosted service and a readiness check in one.
        s.AddOptions<WarmUpOptions>().BindConfiguration(WarmUpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.AddSingleton<TokenWarmUp>();
        s.AddHostedService(sp => sp.GetRequiredService<TokenWarmUp>());
        s.AddHealthChecks().AddCheck<TokenWarmUp>("warm-up", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapTokenIssuance(this WebApplication app)
    {
        app.MapTokenApi();
        app.MapCompatApi();
        return app;
    }
}
