using Microsoft.Extensions.Options;
using Portal.Hosting;

namespace Portal.Features.Usage;

public static class UsageSetup
{
    /// Usage: counted in memory on the hot path and flushed every 2 s, rolled up hourly, kept (raw 35 days, daily
    /// 400 days), summarised for the pages and the API, and the daily report.
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<UsageRecorder>();
        s.AddSingleton<UsageFlusher>();
        s.AddHostedService(sp => sp.GetRequiredService<UsageFlusher>());
        s.AddScoped<UsageService>();
        s.AddScoped<DailyReportService>();
        s.AddRecurringJob<UsageRollupJob>(UsageRollupJob.RecurringId,
            sp => sp.GetRequiredService<IOptions<PortalOptions>>().Value.Jobs.UsageRollupCron, j => j.RunAsync(CancellationToken.None));
        s.AddRecurringJob<UsageCleanupJob>(UsageCleanupJob.RecurringId, _ => UsageCleanupJob.Cron, j => j.RunAsync(CancellationToken.None));
        s.AddRecurringJob<DailyReportJob>(DailyReportJob.RecurringId, _ => DailyReportJob.Cron, j => j.RunAsync(CancellationToken.None));
        return builder;
    }

    public static WebApplication MapUsage(this WebApplication app)
    {
        app.MapUsageApi();
        return app;
    }
}
