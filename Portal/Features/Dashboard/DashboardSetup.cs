using Portal.Features.Inspector;

namespace Portal.Features.Dashboard;

public static class DashboardSetup
{
    /// The first-run checklist and what it hands to the token inspector (DashboardService registers with the reports).
    public static WebApplicationBuilder AddPortalDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<FirstRunChecklist>();
        builder.Services.AddScoped<InspectorHandoff>();
        return builder;
    }
}
