namespace Portal.Features.Organizations;

public static class OrganizationsSetup
{
    /// Organizations, members and invitations, and the caller's membership (OrganizationAccess), which every
    /// organization-scoped service checks on each call.
    public static WebApplicationBuilder AddOrganizations(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<OrganizationAccess>();
        s.AddScoped<CurrentOrganization>();
        s.AddScoped<OrganizationChanges>();
        s.AddScoped<OrganizationService>();
        s.AddScoped<MemberService>();
        s.AddScoped<OwnerJoin>();
        s.AddScoped<InvitationService>();
        s.AddSingleton<InvitationMailer>();
        return builder;
    }

    public static WebApplication MapOrganizations(this WebApplication app)
    {
        app.MapOrganizationApi();
        return app;
    }
}
