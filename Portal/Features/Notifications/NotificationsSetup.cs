using Microsoft.Extensions.Options;
using Portal.Hosting;
using Portal.Security.Outbound;

namespace Portal.Features.Notifications;

public static class NotificationsSetup
{
    /// Where an organization's reports and alerts go (webhook, e-mail), the hourly scan that raises alerts, and
    /// delivery with retries.
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<NotificationOptions>().BindConfiguration("Portal:Notifications");
        s.AddScoped<NotificationService>();
        s.AddTransient<NotificationDeliveryJob>();
        s.AddRecurringJob<NotificationScanJob>(NotificationScanJob.RecurringId, _ => NotificationScanJob.Cron, j => j.RunAsync(CancellationToken.None));
        // No redirects, no proxy, public addresses only unless allowed: see OutboundHttp.
        s.AddOutboundHttpClient(NotificationDeliveryJob.HttpClientName,
            sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AllowPrivateNetworks, TimeSpan.FromSeconds(10), "Portal-Webhooks/1");
        return builder;
    }

    public static WebApplication MapNotifications(this WebApplication app)
    {
        app.MapNotificationApi();
        return app;
    }
}
