using Portal.Features.Notifications;
using Portal.Features.Usage;
using Portal.Security.Outbound;

namespace Portal.Features.Reports;

public static class ReportsSetup
{
    /// Usage rollup and retention, daily reports, and their delivery by webhook and e-mail.
    public static WebApplicationBuilder AddPortalReports(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<NotificationOptions>().BindConfiguration("Portal:Notifications");
        s.AddScoped<NotificationService>();
        s.AddScoped<DailyReportService>();
        s.AddScoped<Portal.Features.Dashboard.DashboardService>();
        s.AddTransient<UsageRollupJob>();
        s.AddTransient<UsageCleanupJob>();
        s.AddTransient<DailyReportJob>();
        s.AddTransient<NotificationScanJob>();
        s.AddTransient<NotificationDeliveryJob>();
        // No redirects, no proxy, public addresses only unless allowed: see OutboundHttp.
        s.AddOutboundHttpClient(NotificationDeliveryJob.HttpClientName,
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationOptions>>().Value.AllowPrivateNetworks,
            TimeSpan.FromSeconds(10), "Portal-Webhooks/1");
        return builder;
    }

    public static WebApplication MapPortalReports(this WebApplication app)
    {
        app.MapReportsApi();
        return app;
    }
}
