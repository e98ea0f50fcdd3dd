using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.Usage;

public static class UsageEndpoints
{
    /// A project's and the organization's usage (also as CSV), and the stored daily reports.
    public static void MapUsageApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapOrganizationScope();
        org.MapGet("/projects/{projectId:guid}/usage",
            async (Guid projectId, DateOnly? from, DateOnly? to, HttpContext http, UsageService service, CancellationToken ct) =>
                (await service.ProjectAsync(http.Caller(), projectId, from, to, ct)).ToOk())
            .WithTags("Usage").WithSummary("Daily tokens issued and refusals by code, per service (UTC days; default: the last 30).");
        org.MapGet("/usage", async (DateOnly? from, DateOnly? to, Guid? projectId, HttpContext http, UsageService service, CancellationToken ct) =>
                (await service.SummaryAsync(http.Caller(), projectId, from, to, ct)).ToOk())
            .WithTags("Usage").WithSummary("Usage of the organization (or one project) over a UTC date range: per day and service, refusals, top projects and keys.");
        org.MapGet("/usage.csv", async (DateOnly? from, DateOnly? to, Guid? projectId, HttpContext http, UsageService service, CancellationToken ct) =>
            {
                var summary = await service.SummaryAsync(http.Caller(), projectId, from, to, ct);
                return summary.Ok ? Results.Text(UsageCsv.Rows(summary.Value.Rows), "text/csv; charset=utf-8") : summary.Error.ToProblem();
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
                return report.Ok ? Results.Text(DailyReportService.ToCsv(report.Value), "text/csv; charset=utf-8") : report.Error.ToProblem();
            })
            .WithTags("Reports").WithSummary("One daily report as CSV.");
    }
}
