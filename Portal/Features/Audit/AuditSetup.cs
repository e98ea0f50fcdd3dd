namespace Portal.Features.Audit;

public static class AuditSetup
{
    /// Reading the audit log: search, export and "verify now". (The writer, AuditLog, and the chain check are
    /// registered with the app and the jobs, since every feature and the daily job use them.)
    public static WebApplicationBuilder AddPortalAudit(this WebApplicationBuilder builder)
    {
        // Scoped: each read checks its caller's membership (OrganizationAccess) again.
        builder.Services.AddScoped<AuditSearch>();
        builder.Services.AddScoped<AuditExport>();
        builder.Services.AddSingleton<AuditVerifyNow>();
        builder.Services.AddSingleton<AuditTargets>();
        builder.Services.AddSingleton<AuditThrottle>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditThrottle>());
        return builder;
    }
}
