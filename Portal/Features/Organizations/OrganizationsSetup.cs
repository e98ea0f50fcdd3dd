using Portal.Data.Tenancy;
using Portal.Features.Certificates;
using Portal.Features.Policies;
using Portal.Features.Projects;

namespace Portal.Features.Organizations;

public static class OrganizationsSetup
{
    /// The admin core: tenancy, organizations and members, projects, certificate rings, token policies.
    public static WebApplicationBuilder AddPortalAdminCore(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<TenantDb>();
        s.AddScoped<OrganizationAccess>();
        s.AddScoped<CurrentOrganization>();
        s.AddScoped<OrganizationChanges>();
        s.AddScoped<OrganizationService>();
        s.AddScoped<MemberService>();
        s.AddScoped<OwnerJoin>();
        s.AddScoped<InvitationService>();
        s.AddOptions<SmtpOptions>().BindConfiguration("Portal:Smtp");
        s.AddSingleton<SmtpMail>();
        s.AddSingleton<InvitationMailer>();
        s.AddScoped<ProjectLookup>();
        s.AddScoped<ProjectService>();
        s.AddSingleton<CertificateSecrets>();
        s.AddSingleton<Reauthentication>();
        s.AddScoped<CertificateService>();
        s.AddScoped<PolicyService>();
        return builder;
    }

    public static WebApplication MapPortalAdminCore(this WebApplication app)
    {
        app.MapOrganizationApi();
        app.MapProjectApi();
        return app;
    }
}
