using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.Notifications;

public static class NotificationEndpoints
{
    /// `/api/v1/orgs/{orgId}/notifications`: delivery settings, a test, and the recent deliveries.
    public static void MapNotificationApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapOrganizationScope();
        var delivery = org.MapGroup("/notifications").WithTags("Notifications");
        delivery.MapGet("", async (HttpContext http, NotificationService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.Caller(), ct))).WithSummary("Webhook and e-mail delivery settings.");
        delivery.MapPut("", async (UpdateNotificationSettings input, HttpContext http, NotificationService service, CancellationToken ct) =>
                (await service.UpdateAsync(http.Caller(), input, ct)).ToOk())
            .WithSummary("Set the webhook URL (https) and e-mail recipients. The signing secret is in the answer once, when created or rotated.");
        delivery.MapPost("/test", async (HttpContext http, NotificationService service, CancellationToken ct) =>
            (await service.SendTestAsync(http.Caller(), ct)).ToOk()).WithSummary("Queue a test notification on every configured channel.");
        delivery.MapGet("/deliveries", async (HttpContext http, NotificationService service, CancellationToken ct) =>
            TypedResults.Ok(await service.RecentAsync(http.Caller(), ct))).WithSummary("The 20 most recent notifications with their delivery attempts.");
    }
}
