namespace Portal.Features.ApiKeys;

public static class ApiKeysSetup
{
    /// A project's API keys for the token API: created (shown once), listed by prefix, revoked.
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiKeyService>();
        // `rateLimitPerMinute` is a number or "unlimited": the OpenAPI document says so.
        builder.Services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(Api.ApiSetup.DocumentName,
            o => o.AddSchemaTransformer(KeyRateLimitSchema.Transform));
        return builder;
    }

    public static WebApplication MapApiKeys(this WebApplication app)
    {
        app.MapApiKeyApi();
        return app;
    }
}
