using Hangfire;
using Portal.Hosting;

namespace Portal.Features.Audit;

public static class AuditSetup
{
    /// The audit log: its one writer (every feature records through it), who is acting (request or UI circuit), the
    /// chain check and its daily job, throttling of what anyone can trigger, and reading: search, export, "verify now".
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<AuditLog>();
        s.AddScoped<AuditActorAccessor>();
        s.AddScoped<CircuitClient>();
        s.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitClientHandler>();
        s.AddSingleton<AuditThrottle>();
        s.AddHostedService(sp => sp.GetRequiredService<AuditThrottle>());
        s.AddSingleton<AuditChain>();
        s.AddRecurringJob<AuditVerifyJob>(AuditVerifyJob.RecurringId, _ => Cron.Daily(3), j => j.RunAsync(CancellationToken.None));
        // Scoped: each read checks its caller's membership (OrganizationAccess) again.
        s.AddScoped<AuditSearch>();
        s.AddScoped<AuditExport>();
        s.AddSingleton<AuditVerifyNow>();
        s.AddSingleton<AuditTargets>();
        return builder;
    }

    public static WebApplication MapAudit(this WebApplication app)
    {
        app.MapAuditApi();
        return app;
    }
}
