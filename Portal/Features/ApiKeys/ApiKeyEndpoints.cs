using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.ApiKeys;

public static class ApiKeyEndpoints
{
    public static void MapApiKeyApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapOrganizationScope().MapGroup("/projects/{projectId:guid}/api-keys").WithTags("API keys");
        keys.MapGet("", async (Guid projectId, HttpContext http, ApiKeyService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("The project's keys (prefixes, never the keys).");
        keys.MapPost("", async (Guid projectId, CreateApiKey input, HttpContext http, ApiKeyService service, CancellationToken ct) =>
            (await service.CreateAsync(http.Caller(), projectId, input, ct))
                .ToCreated(k => $"/api/v1/orgs/{http.Caller().OrganizationId}/projects/{projectId}/api-keys/{k.Info.Id}"))
            .WithSummary("Create a secret or publishable key; the key is returned once.");
        keys.MapDelete("/{keyId:guid}", async (Guid projectId, Guid keyId, HttpContext http, ApiKeyService service, CancellationToken ct) =>
            (await service.RevokeAsync(http.Caller(), projectId, keyId, ct)).ToOk()).WithSummary("Revoke at once (every instance within seconds).");
    }
}
