using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.Usage;

public static class UsageEndpoints
{
    public static void MapUsageApi(this IEndpointRouteBuilder app) =>
        app.MapOrganizationScope().MapGet("/projects/{projectId:guid}/usage",
            async (Guid projectId, DateOnly? from, DateOnly? to, HttpContext http, UsageService service, CancellationToken ct) =>
                (await service.ProjectAsync(http.Caller(), projectId, from, to, ct)).ToOk())
            .WithTags("Usage").WithSummary("Daily tokens issued and refusals by code, per service (UTC days; default: the last 30).");
}
