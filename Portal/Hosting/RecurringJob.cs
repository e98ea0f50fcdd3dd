using System.Linq.Expressions;
using Hangfire;

namespace Portal.Hosting;

/// A recurring job a feature runs: its stable id, its schedule (read from configuration when the jobs start) and its
/// method. Features register theirs in their own Setup with <see cref="RecurringJobs.AddRecurringJob"/>; the jobs
/// infrastructure adds or updates every one at start-up (idempotent), knowing none of them by name.
public sealed record RecurringJob(string Id, Func<IServiceProvider, string> Cron, Action<IRecurringJobManager, string, string> AddOrUpdate);

public static class RecurringJobs
{
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, Func<IServiceProvider, string> cron,
        Expression<Func<TJob, Task>> run) where TJob : class
    {
        services.AddTransient<TJob>();
        services.AddSingleton(new RecurringJob(id, cron, (jobs, jobId, schedule) => jobs.AddOrUpdate(jobId, run, schedule)));
        return services;
    }

    /// The jobs infrastructure's side: every feature's recurring job, added or updated under its stable id.
    public static void RegisterAll(IServiceProvider services, IRecurringJobManager jobs)
    {
        foreach (var job in services.GetServices<RecurringJob>()) job.AddOrUpdate(jobs, job.Id, job.Cron(services));
    }
}
