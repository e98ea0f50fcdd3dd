using Portal.Features.Notifications;
using Portal.Features.Usage;

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
        // No redirects: a receiver must answer at the URL that was configured (and checked for https).
        s.AddHttpClient(NotificationDeliveryJob.HttpClientName, c =>
            {
                c.Timeout = TimeSpan.FromSeconds(10);
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Portal-Webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return builder;
    }

    public static WebApplication MapPortalReports(this WebApplication app)
    {
        app.MapReportsApi();
        return app;
    }
}
