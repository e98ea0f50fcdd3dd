using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.Policies;

public static class PolicyEndpoints
{
    /// `/api/v1/orgs/{orgId}/projects/{projectId}/policy`: a project's token policy.
    public static void MapPolicyApi(this IEndpointRouteBuilder app)
    {
        var policy = app.MapOrganizationScope().MapGroup("/projects/{projectId:guid}/policy").WithTags("Policies");
        policy.MapGet("", async (Guid projectId, HttpContext http, PolicyService service, CancellationToken ct) =>
            (await service.GetAsync(http.Caller(), projectId, ct)).ToOk());
        policy.MapPut("", async (Guid projectId, PolicyDto input, HttpContext http, PolicyService service, CancellationToken ct) =>
            (await service.UpdateAsync(http.Caller(), projectId, input, ct)).ToOk());
    }
}
