using Portal.Api;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.TokenIssuance;

namespace Portal.Features.TokenExchange;

public static class ExchangeEndpoints
{
    public static void MapIdentityProviderApi(this IEndpointRouteBuilder app)
    {
        var providers = app.MapOrganizationScope().MapGroup("/projects/{projectId:guid}/identity-providers").WithTags("Identity providers");
        providers.MapGet("", async (Guid projectId, HttpContext http, IdentityProviderService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("The identity providers this project trusts.");
        providers.MapGet("/{providerId:guid}", async (Guid projectId, Guid providerId, HttpContext http, IdentityProviderService service, CancellationToken ct) =>
            (await service.GetAsync(http.Caller(), projectId, providerId, ct)).ToOk()).WithSummary("One identity provider with its rules.");
        providers.MapPost("", async (Guid projectId, IdentityProviderInput input, HttpContext http, IdentityProviderService service, CancellationToken ct) =>
            (await service.CreateAsync(http.Caller(), projectId, input, ct))
                .ToCreated(p => $"/api/v1/orgs/{http.Caller().OrganizationId}/projects/{projectId}/identity-providers/{p.Id}"))
            .WithSummary("Trust an identity provider: issuer, audiences, keys, identity mapping and rules.");
        providers.MapPut("/{providerId:guid}", async (Guid projectId, Guid providerId, IdentityProviderInput input, HttpContext http,
            IdentityProviderService service, CancellationToken ct) =>
            (await service.UpdateAsync(http.Caller(), projectId, providerId, input, ct)).ToOk())
            .WithSummary("Replace a provider's settings (every instance within seconds).");
        providers.MapDelete("/{providerId:guid}", async (Guid projectId, Guid providerId, HttpContext http, IdentityProviderService service, CancellationToken ct) =>
            (await service.RemoveAsync(http.Caller(), projectId, providerId, ct)).ToNoContent())
            .WithSummary("Stop trusting a provider (every instance within seconds).");
    }

    public const string ProjectHeader = "X-Portal-Project";

    public static void MapExchangeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/tokens/exchange", (ExchangeRequest request, HttpContext http, TokenExchanger exchanger, AuditActorAccessor actors) =>
        {
            var header = http.Request.Headers[ProjectHeader].ToString();
            if (header.Length == 0)
                return Task.FromResult((IResult)new Common.ServiceError(400, "project_missing", $"Name the project in the `{ProjectHeader}` header (its id), or call /api/v1/projects/{{projectId}}/tokens/exchange.").ToProblem());
            if (!Guid.TryParse(header, out var projectId))
                return Task.FromResult((IResult)Common.ServiceError.Validation("project_invalid", $"`{ProjectHeader}` must be the project's id (a GUID).").ToProblem());
            return ExchangeAsync(http, exchanger, actors, projectId, request);
        }).AllowAnonymous().WithTags("Tokens").Accepts<ExchangeRequest>("application/json")
            .WithSummary("An Agora token for the identity in an identity provider's token (Authorization: Bearer <IdP token>, X-Portal-Project).");
        app.MapPost("/api/v1/projects/{projectId:guid}/tokens/exchange", (Guid projectId, ExchangeRequest request, HttpContext http,
            TokenExchanger exchanger, AuditActorAccessor actors) => ExchangeAsync(http, exchanger, actors, projectId, request))
            .AllowAnonymous().WithTags("Tokens").Accepts<ExchangeRequest>("application/json")
            .WithSummary("The exchange with the project in the path.");
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http, TokenExchanger exchanger, AuditActorAccessor actors, Guid projectId, ExchangeRequest request)
    {
        var result = await exchanger.ExchangeAsync(http, projectId, request, actors.Current());
        return result.Ok ? TokenJson.Ok(result.Value) : result.Error.ToProblem();
    }
}
