using Microsoft.Extensions.Options;
using Portal.Hosting;

namespace Portal.Features.Certificates;

public static class CertificatesSetup
{
    /// Certificate rings: import, generate, stage, promote, rotate, retire, reveal (behind re-authentication), and the
    /// rotation job that promotes staged certificates, retires expired grace and rotates on the policy's schedule.
    public static WebApplicationBuilder AddCertificates(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<CertificateSecrets>();
        s.AddSingleton<Reauthentication>();
        s.AddScoped<CertificateService>();
        s.AddSingleton<RotationSteps>();
        s.AddRecurringJob<CertificateRotationJob>(CertificateRotationJob.RecurringId,
            sp => sp.GetRequiredService<IOptions<PortalOptions>>().Value.Jobs.RotationCron, j => j.RunAsync(CancellationToken.None));
        return builder;
    }

    public static WebApplication MapCertificates(this WebApplication app)
    {
        app.MapCertificateApi();
        return app;
    }
}
