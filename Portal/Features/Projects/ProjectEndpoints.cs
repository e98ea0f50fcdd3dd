using Portal.Api;
using Portal.Features.Certificates;
using Portal.Features.Organizations;
using Portal.Features.Policies;

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

        var certificates = projects.MapGroup("/{projectId:guid}/certificates").WithTags("Certificates");
        certificates.MapGet("", async (Guid projectId, HttpContext http, CertificateService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("The ring: fingerprints and states, never secrets.");
        certificates.MapPost("", async (Guid projectId, AddCertificate input, HttpContext http, CertificateService service, CancellationToken ct) =>
            (await service.AddAsync(http.Caller(), projectId, input, ct)).ToCreated(c => $"/api/v1/orgs/{http.Caller().OrganizationId}/projects/{projectId}/certificates/{c.Id}"))
            .WithSummary("Import (certificate given) or generate (omitted); activation now or staged (with effectiveAt).");
        certificates.MapPost("/{certificateId:guid}/promote", async (Guid projectId, Guid certificateId, HttpContext http, CertificateService service, CancellationToken ct) =>
            (await service.PromoteAsync(http.Caller(), projectId, certificateId, ct)).ToOk());
        certificates.MapPost("/rotate", async (Guid projectId, HttpContext http, CertificateService service, CancellationToken ct) =>
            (await service.RotateAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Generate and activate; the old Active one keeps its grace time.");
        certificates.MapDelete("/{certificateId:guid}", async (Guid projectId, Guid certificateId, HttpContext http, CertificateService service, CancellationToken ct) =>
            (await service.RetireAsync(http.Caller(), projectId, certificateId, ct)).ToOk()).WithSummary("Retire: the secret is wiped, metadata kept.");
        certificates.MapPost("/{certificateId:guid}/reveal", async (Guid projectId, Guid certificateId, RevealCertificate proof, HttpContext http, CertificateService service, CancellationToken ct) =>
            (await service.RevealAsync(http.Caller(), projectId, certificateId, proof, ct)).ToOk())
            .WithSummary("Owners and Admins, with their password or a 2FA code; audited.");

        projects.MapGet("/{projectId:guid}/policy", async (Guid projectId, HttpContext http, PolicyService service, CancellationToken ct) =>
            (await service.GetAsync(http.Caller(), projectId, ct)).ToOk()).WithTags("Policies");
        projects.MapPut("/{projectId:guid}/policy", async (Guid projectId, PolicyDto input, HttpContext http, PolicyService service, CancellationToken ct) =>
            (await service.UpdateAsync(http.Caller(), projectId, input, ct)).ToOk()).WithTags("Policies");
    }
}
