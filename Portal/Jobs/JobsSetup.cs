using System.Security.Claims;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Hosting;

namespace Portal.Jobs;

public static class JobsSetup
{
    /// Hangfire with storage in the data directory and the server in-process. JobStorage and JobActivator are
    /// DI singletons rather than Hangfire's statics, so several hosts in one test process stay apart.
    public static WebApplicationBuilder AddPortalJobs(this WebApplicationBuilder builder)
    {
        var jobs = builder.Configuration.GetSection("Portal:Jobs").Get<JobsOptions>() ?? new JobsOptions();
        var services = builder.Services;
        services.AddSingleton<JobStorage>(sp => CreateStorage(jobs.Storage, sp.GetRequiredService<PortalDatabase>(), sp.GetRequiredService<DataDirectory>()));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, cfg) => cfg
            .UseLogProvider(new ResilientHangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
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
        return builder;
    }

    private static JobStorage CreateStorage(string? configured, PortalDatabase database, DataDirectory dataDirectory)
    {
        var storage = configured ?? (database.IsPostgres ? "Postgres" : "Sqlite");
        return storage switch
        {
            "InMemory" => new InMemoryStorage(),
            "Sqlite" => new SQLiteStorage(dataDirectory.File("hangfire.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromSeconds(1),
                // Above the longest job, so a job killed mid-run is picked up again after a restart, not run twice.
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
            }),
            // Replicas share this storage: its distributed locks make a recurring job run once per schedule across
            // all of them, and a queued job is fetched by one worker only (SQLite storage is not fit for that).
            "Postgres" when database.IsPostgres => PostgresStorage(database.ConnectionString),
            "Postgres" => throw new StartupException("Portal:Jobs:Storage 'Postgres' needs Portal:Database:Provider=Postgres."),
            _ => throw new StartupException($"Portal:Jobs:Storage '{storage}' is unknown; use Sqlite, Postgres or InMemory."),
        };
    }

    private const string HangfireSchema = "hangfire";

    /// One options object for the storage and its connection factory, so neither misses a setting.
    private static PostgreSqlStorage PostgresStorage(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema,
            // Installed by InitializeJobs, in the replicas' start-up turn, once the database exists.
            PrepareSchemaIfNecessary = false,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    /// Start-up work (PortalApp.InitializeAsync, after migrations): Hangfire's PostgreSQL tables, then the recurring
    /// jobs, which have stable ids and are registered at every start (AddOrUpdate is idempotent).
    public static void InitializeJobs(WebApplication app)
    {
        // Hangfire's configuration first: it points Hangfire's static log provider at this app's loggers, which
        // the storage uses when created (a previous app in the same process may have disposed the old ones).
        app.Services.GetRequiredService<IGlobalConfiguration>();
        // The job client takes its logger from that static provider when it is created: create it now, while the
        // provider is this app's (created lazily, a later app in the same process may have pointed it elsewhere).
        app.Services.GetRequiredService<IBackgroundJobClient>();
        if (app.Services.GetRequiredService<JobStorage>() is PostgreSqlStorage)
        {
            using var connection = new Npgsql.NpgsqlConnection(app.Services.GetRequiredService<PortalDatabase>().ConnectionString);
            connection.Open();
            PostgreSqlObjectsInstaller.Install(connection, HangfireSchema);
        }
        // Each feature registered its own (Hosting.RecurringJob); this knows none of them by name.
        RecurringJobs.RegisterAll(app.Services, app.Services.GetRequiredService<IRecurringJobManager>());
    }

    /// The dashboard, platform admins only.
    public static WebApplication UsePortalJobs(this WebApplication app)
    {
        // Anonymous visitors are sent to the login page; signed-in users without the role get 403.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/hangfire"), branch => branch.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(context);
                return;
            }
            if (!await IsPlatformAdminNowAsync(context))
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
        public Task<bool> AuthorizeAsync(DashboardContext context) => IsPlatformAdminNowAsync(context.GetHttpContext());
    }

    /// From the database on every request, not the cookie's role claim: that is as old as the sign-in (the cookie is
    /// re-issued with fresh claims once a minute at best), and the dashboard can trigger and delete jobs.
    private static async Task<bool> IsPlatformAdminNowAsync(HttpContext http)
    {
        if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId) return false;
        var users = http.RequestServices.GetRequiredService<UserManager<PortalUser>>();
        return await users.FindByIdAsync(userId) is { } user && await users.IsInRoleAsync(user, PortalRoles.PlatformAdmin);
    }
}
