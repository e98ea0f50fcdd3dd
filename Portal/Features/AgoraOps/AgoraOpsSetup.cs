using Microsoft.Extensions.Options;
using Portal.Hosting;
using Portal.Security.Outbound;

namespace Portal.Features.AgoraOps;

public static class AgoraOpsSetup
{
    /// Agora operations: an organization's Agora accounts (RESTful API credentials), each project's link to one,
    /// kicks and bans through Agora's kicking-rule API, token revocation, NCS presence (the signed webhook and its expiry job), and the job that retries calls that failed transiently.
    public static WebApplicationBuilder AddAgoraOps(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<AgoraOptions>().BindConfiguration("Portal:Agora").ValidateDataAnnotations().ValidateOnStart();
        s.AddSingleton<AgoraSecrets>();
        s.AddSingleton<AgoraRestClient>();
        s.AddScoped<AgoraAccountService>();
        s.AddScoped<BanService>();
        s.AddScoped<BanAttempts>();
        s.AddScoped<RevocationService>();
        s.AddScoped<NcsService>();
        s.AddScoped<NcsReceiver>();
        s.AddScoped<AgoraRateLimiter>();
        s.AddRecurringJob<PresenceExpiryJob>(PresenceExpiryJob.RecurringId, _ => "17 * * * *", j => j.RunAsync(CancellationToken.None));
        s.AddRecurringJob<BanRetryJob>(BanRetryJob.RecurringId, _ => "*/5 * * * *", j => j.SweepAsync(CancellationToken.None));
        // No redirects, no proxy, public addresses only unless allowed: see OutboundHttp.
        s.AddOutboundHttpClient(AgoraRestClient.HttpClientName,
            sp => sp.GetRequiredService<IOptions<AgoraOptions>>().Value.AllowPrivateNetworks,
            TimeSpan.FromSeconds(builder.Configuration.GetValue("Portal:Agora:TimeoutSeconds", 20)), "Portal-Agora/1");
        return builder;
    }

    public static WebApplication MapAgoraOps(this WebApplication app)
    {
        app.MapAgoraOpsApi();
        app.MapNcsWebhook();
        return app;
    }
}
