using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.Certificates;

public static class CertificateEndpoints
{
    /// `/api/v1/orgs/{orgId}/projects/{projectId}/certificates`: a project's certificate ring.
    public static void MapCertificateApi(this IEndpointRouteBuilder app)
    {
        var certificates = app.MapOrganizationScope().MapGroup("/projects/{projectId:guid}/certificates").WithTags("Certificates");
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
    }
}
