namespace Portal.Features.Inspector;

public static class InspectorSetup
{
    /// The token inspector: a pasted token decoded and diagnosed against the organization's projects, and the circuit's
    /// hand-off of a token to open in it (from the first-run checklist's "Get a token now").
    public static WebApplicationBuilder AddInspector(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TokenInspector>();
        builder.Services.AddScoped<InspectorHandoff>();
        return builder;
    }
}
