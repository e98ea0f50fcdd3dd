namespace Portal.Features.Projects;

public static class ProjectsSetup
{
    /// Projects of an organization (an Agora App ID each), and the lookup that audits probes of another organization's.
    public static WebApplicationBuilder AddProjects(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProjectLookup>();
        builder.Services.AddScoped<ProjectService>();
        return builder;
    }

    public static WebApplication MapProjects(this WebApplication app)
    {
        app.MapProjectApi();
        return app;
    }
}
