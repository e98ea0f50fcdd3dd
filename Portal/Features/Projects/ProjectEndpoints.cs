using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.Projects;

public static class ProjectEndpoints
{
    public static void MapProjectApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapOrganizationScope().MapGroup("/projects").WithTags("Projects");
        projects.MapGet("", async (HttpContext http, ProjectService service, string? search, int? page, int? pageSize,
                ProjectSort? sort, bool? descending, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.Caller(), new ProjectQuery(search, page ?? 1, pageSize ?? 25, sort ?? ProjectSort.Name, descending ?? false), ct)))
            .WithSummary("Projects, paged on the server (pageSize up to 200), searchable by name or App ID.");
        projects.MapPost("", async (CreateProject input, HttpContext http, ProjectService service, CancellationToken ct) =>
            (await service.CreateAsync(http.Caller(), input, ct)).ToCreated(p => $"/api/v1/orgs/{p.OrganizationId}/projects/{p.Id}"));
        projects.MapGet("/{projectId:guid}", async (Guid projectId, HttpContext http, ProjectService service, CancellationToken ct) =>
            (await service.GetAsync(http.Caller(), projectId, ct)).ToOk());
        projects.MapPatch("/{projectId:guid}", async (Guid projectId, UpdateProject input, HttpContext http, ProjectService service, CancellationToken ct) =>
            (await service.UpdateAsync(http.Caller(), projectId, input, ct)).ToOk()).WithSummary("Rename, disable or enable.");
        projects.MapDelete("/{projectId:guid}", async (Guid projectId, HttpContext http, ProjectService service, CancellationToken ct) =>
            (await service.DeleteAsync(http.Caller(), projectId, ct)).ToNoContent()).WithSummary("Delete (Owners); its audit trail remains.");
    }
}
