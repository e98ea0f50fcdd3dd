namespace Portal.Features.Policies;

public static class PoliciesSetup
{
    /// Each project's token policy: lifetimes, services, roles, users and channels, renewal and rotation.
    public static WebApplicationBuilder AddPolicies(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PolicyService>();
        return builder;
    }

    public static WebApplication MapPolicies(this WebApplication app)
    {
        app.MapPolicyApi();
        return app;
    }
}
