namespace Portal.Features.Dashboard;

public static class DashboardSetup
{
    /// The home page: figures, what needs attention, and the first-run checklist with its hand-off to the inspector.
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DashboardService>();
        builder.Services.AddScoped<FirstRunChecklist>();
        return builder;
    }
}
