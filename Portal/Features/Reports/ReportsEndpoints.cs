using Portal.Api;
using Portal.Features.Notifications;
using Portal.Features.Organizations;
using Portal.Features.Usage;

namespace Portal.Features.Reports;

public static class ReportsEndpoints
{
    public static void MapReportsApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapOrganizationScope();
        org.MapGet("/usage", async (DateOnly? from, DateOnly? to, Guid? projectId, HttpContext http, UsageService service, CancellationToken ct) =>
                (await service.SummaryAsync(http.Caller(), projectId, from, to, ct)).ToOk())
            .WithTags("Usage").WithSummary("Usage of the organization (or one project) over a UTC date range: per day and service, refusals, top projects and keys.");
        org.MapGet("/usage.csv", async (DateOnly? from, DateOnly? to, Guid? projectId, HttpContext http, UsageService service, CancellationToken ct) =>
            {
                var summary = await service.SummaryAsync(http.Caller(), projectId, from, to, ct);
                return summary.Ok ? Results.Text(Csv.UsageRows(summary.Value!.Rows), "text/csv; charset=utf-8") : summary.Error!.ToProblem();
            })
            .WithTags("Usage").WithSummary("The same as CSV: one line per day, project, key, service and outcome.");
        org.MapGet("/reports", async (int? take, HttpContext http, DailyReportService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(http.Caller(), take ?? 30, ct)))
            .WithTags("Reports").WithSummary("Daily usage reports, newest first.");
        org.MapGet("/reports/{date}", async (DateOnly date, HttpContext http, DailyReportService service, CancellationToken ct) =>
                (await service.GetAsync(http.Caller(), date, ct)).ToOk())
            .WithTags("Reports").WithSummary("One daily report (date as yyyy-MM-dd, UTC).");
        org.MapGet("/reports/{date}/csv", async (DateOnly date, HttpContext http, DailyReportService service, CancellationToken ct) =>
            {
                var report = await service.GetAsync(http.Caller(), date, ct);
                return report.Ok ? Results.Text(DailyReportService.ToCsv(report.Value!), "text/csv; charset=utf-8") : report.Error!.ToProblem();
            })
            .WithTags("Reports").WithSummary("One daily report as CSV.");

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
