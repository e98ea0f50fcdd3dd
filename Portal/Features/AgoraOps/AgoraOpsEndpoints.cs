using Portal.Api;
using Portal.Features.Organizations;

namespace Portal.Features.AgoraOps;

public static class AgoraOpsEndpoints
{
    /// `/api/v1/orgs/{orgId}/agora-accounts`, a project's `/agora-account` link and its `/bans`.
    public static void MapAgoraOpsApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapOrganizationScope();
        var accounts = org.MapGroup("/agora-accounts").WithTags("Agora accounts");
        accounts.MapGet("", async (HttpContext http, AgoraAccountService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), ct)).ToOk()).WithSummary("Customer IDs with secret fingerprints, never secrets.");
        accounts.MapPost("", async (AddAgoraAccount input, HttpContext http, AgoraAccountService service, CancellationToken ct) =>
                (await service.AddAsync(http.Caller(), input, ct)).ToCreated(a => $"/api/v1/orgs/{http.Caller().OrganizationId}/agora-accounts/{a.Id}"))
            .WithSummary("Add a Customer ID / Customer Secret pair (Agora Console → RESTful API); the secret is encrypted at rest.");
        accounts.MapDelete("/{accountId:guid}", async (Guid accountId, HttpContext http, AgoraAccountService service, CancellationToken ct) =>
            (await service.RemoveAsync(http.Caller(), accountId, ct)).ToOk()).WithSummary("Remove; its projects are unlinked.");
        accounts.MapPost("/{accountId:guid}/test", async (Guid accountId, HttpContext http, AgoraAccountService service, CancellationToken ct) =>
            (await service.TestAsync(http.Caller(), accountId, ct)).ToOk()).WithSummary("Test connection: GET /dev/v1/projects with these credentials.");
        accounts.MapPost("/{accountId:guid}/reveal", async (Guid accountId, RevealAgoraSecret proof, HttpContext http, AgoraAccountService service, CancellationToken ct) =>
            (await service.RevealAsync(http.Caller(), accountId, proof, ct)).ToOk()).WithSummary("Owners and Admins, with their password or a 2FA code; audited.");

        var project = org.MapGroup("/projects/{projectId:guid}").WithTags("Agora operations");
        project.MapGet("/agora-account", async (Guid projectId, HttpContext http, AgoraAccountService service, CancellationToken ct) =>
            (await service.GetLinkAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Which Agora account the project's REST calls use.");
        project.MapPut("/agora-account", async (Guid projectId, LinkAgoraAccount input, HttpContext http, AgoraAccountService service, CancellationToken ct) =>
            (await service.LinkAsync(http.Caller(), projectId, input, ct)).ToOk()).WithSummary("Link the project to one of the organization's Agora accounts (null unlinks).");
        project.MapGet("/bans", async (Guid projectId, HttpContext http, BanService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Kicks and bans, newest first, with Agora's rule id and any failure.");
        project.MapPost("/bans", async (Guid projectId, CreateBan input, HttpContext http, BanService service, CancellationToken ct) =>
                (await service.CreateAsync(http.Caller(), projectId, input, ct)).ToCreated(b => $"/api/v1/orgs/{http.Caller().OrganizationId}/projects/{projectId}/bans/{b.Id}"))
            .WithSummary("Kick, ban from the channel for N minutes, or ban publishing audio/video, by uid or IP. Answers the ban as Agora left it (active, done, pending or failed).");
        project.MapPost("/bans/{banId:guid}/retry", async (Guid projectId, Guid banId, HttpContext http, BanService service, CancellationToken ct) =>
            (await service.RetryAsync(http.Caller(), projectId, banId, ct)).ToOk()).WithSummary("Try a failed kick or ban again.");
        project.MapDelete("/bans/{banId:guid}", async (Guid projectId, Guid banId, HttpContext http, BanService service, CancellationToken ct) =>
            (await service.LiftAsync(http.Caller(), projectId, banId, ct)).ToOk()).WithSummary("Lift an active ban (deletes Agora's rule).");
        project.MapGet("/revocations", async (Guid projectId, HttpContext http, RevocationService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Token revocations, newest first, with who revoked and lifted them.");
        project.MapPost("/revocations", async (Guid projectId, RevokeTokens input, HttpContext http, RevocationService service, CancellationToken ct) =>
                (await service.RevokeAsync(http.Caller(), projectId, input, ct)).ToCreated(r => $"/api/v1/orgs/{http.Caller().OrganizationId}/projects/{projectId}/revocations/{r.Id}"))
            .WithSummary("Revoke a uid's or account's tokens (and kick the uid for the policy's maximum lifetime), or every token issued before now.");
        project.MapDelete("/revocations/{revocationId:guid}", async (Guid projectId, Guid revocationId, HttpContext http, RevocationService service, CancellationToken ct) =>
            (await service.LiftAsync(http.Caller(), projectId, revocationId, ct)).ToOk()).WithSummary("Lift a revocation: the user may get tokens and join again.");
    }
}
