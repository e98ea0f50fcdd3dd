using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.Storage.SQLite;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.Reports;
using Portal.Features.Usage;

namespace Portal.Jobs;

public static class JobsSetup
{
    /// Hangfire with storage in the data directory and the server in-process. JobStorage and JobActivator are
    /// DI singletons rather than Hangfire's statics, so several hosts in one test process stay apart.
    public static WebApplicationBuilder AddPortalJobs(this WebApplicationBuilder builder)
    {
        var jobs = builder.Configuration.GetSection("Portal:Jobs").Get<JobsOptions>() ?? new JobsOptions();
        var services = builder.Services;
        services.AddSingleton<JobStorage>(sp => jobs.Storage switch
        {
            "InMemory" => new InMemoryStorage(),
            "Sqlite" => new SQLiteStorage(sp.GetRequiredService<DataDirectory>().File("hangfire.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromSeconds(1),
                // Above the longest job, so a job killed mid-run is picked up again after a restart, not run twice.
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
            }),
            _ => throw new StartupException($"Portal:Jobs:Storage '{jobs.Storage}' is unknown; use Sqlite or InMemory."),
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, cfg) => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (jobs.RunServer)
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = 2;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            });

        services.AddSingleton<AuditChain>();
        services.AddTransient<AuditVerifyJob>();
        services.AddTransient<Portal.Features.Certificates.CertificateRotationJob>();
        services.AddSingleton<Portal.Features.Certificates.RotationSteps>();
        return builder;
    }

    /// Recurring jobs have stable ids, registered at every start (AddOrUpdate is idempotent).
    public static WebApplication UsePortalJobs(this WebApplication app)
    {
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<AuditVerifyJob>(AuditVerifyJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Daily(3));
        recurring.AddOrUpdate<Portal.Features.Certificates.CertificateRotationJob>(Portal.Features.Certificates.CertificateRotationJob.RecurringId,
            j => j.RunAsync(CancellationToken.None), Portal.Features.Certificates.CertificateRotationJob.Cron);
        recurring.AddOrUpdate<UsageRollupJob>(UsageRollupJob.RecurringId, j => j.RunAsync(CancellationToken.None), UsageRollupJob.Cron);
        recurring.AddOrUpdate<UsageCleanupJob>(UsageCleanupJob.RecurringId, j => j.RunAsync(CancellationToken.None), UsageCleanupJob.Cron);
        recurring.AddOrUpdate<DailyReportJob>(DailyReportJob.RecurringId, j => j.RunAsync(CancellationToken.None), DailyReportJob.Cron);
        recurring.AddOrUpdate<NotificationScanJob>(NotificationScanJob.RecurringId, j => j.RunAsync(CancellationToken.None), NotificationScanJob.Cron);

        // Anonymous visitors are sent to the login page; signed-in users without the role get 403.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/hangfire"), branch => branch.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(context);
                return;
            }
            if (!context.User.IsInRole(PortalRoles.PlatformAdmin))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next(context);
        }));
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new PlatformAdminDashboardFilter()],
            AppPath = "/",
            DashboardTitle = "Portal jobs",
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    private sealed class PlatformAdminDashboardFilter : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context) =>
            Task.FromResult(context.GetHttpContext().User.IsInRole(PortalRoles.PlatformAdmin));
    }
}
