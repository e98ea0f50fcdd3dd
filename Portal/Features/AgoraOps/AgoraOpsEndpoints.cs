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
        project.MapGet("/ncs", async (Guid projectId, HttpContext http, NcsService service, CancellationToken ct) =>
            (await service.GetAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Whether NCS events are received, and the URL to give Agora.");
        project.MapPut("/ncs", async (Guid projectId, SetNcsSecret input, HttpContext http, NcsService service, CancellationToken ct) =>
            (await service.SetSecretAsync(http.Caller(), projectId, input, ct)).ToOk()).WithSummary("Set the NCS secret from Agora Console (encrypted; fingerprint shown).");
        project.MapGet("/channels", async (Guid projectId, HttpContext http, NcsService service, CancellationToken ct) =>
            (await service.ChannelsAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Who is online, from NCS events: channels with counts and users.");
        project.MapPost("/channels/refresh", async (Guid projectId, string? channel, HttpContext http, NcsService service, CancellationToken ct) =>
            (await service.RefreshAsync(http.Caller(), projectId, channel, ct)).ToOk()).WithSummary("Refresh one channel's users from Agora (?channel=...), within the account's 10 calls a second.");
        project.MapGet("/revocations", async (Guid projectId, HttpContext http, RevocationService service, CancellationToken ct) =>
            (await service.ListAsync(http.Caller(), projectId, ct)).ToOk()).WithSummary("Token revocations, newest first, with who revoked and lifted them.");
        project.MapPost("/revocations", async (Guid projectId, RevokeTokens input, HttpContext http, RevocationService service, CancellationToken ct) =>
                (await service.RevokeAsync(http.Caller(), projectId, input, ct)).ToCreated(r => $"/api/v1/orgs/{http.Caller().OrganizationId}/projects/{projectId}/revocations/{r.Id}"))
            .WithSummary("Revoke a uid's or account's tokens (and kick the uid for the policy's maximum lifetime), or every token issued before now.");
        project.MapDelete("/revocations/{revocationId:guid}", async (Guid projectId, Guid revocationId, HttpContext http, RevocationService service, CancellationToken ct) =>
            (await service.LiftAsync(http.Caller(), projectId, revocationId, ct)).ToOk()).WithSummary("Lift a revocation: the user may get tokens and join again.");
    }

    /// `POST /webhooks/agora/{projectId}`: Agora NCS. Anonymous (the signature is the credential), body at most 64 KiB.
    public static void MapNcsWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/agora/{projectId:guid}", async (Guid projectId, HttpContext http, NcsReceiver receiver, CancellationToken ct) =>
        {
            if (http.Request.ContentLength > NcsReceiver.MaxBodyBytes) return TooLarge();
            var body = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
            {
                body.Write(buffer, 0, read);
                if (body.Length > NcsReceiver.MaxBodyBytes) return TooLarge(); // a chunked body without a length
            }
            return await receiver.ReceiveAsync(projectId, body.ToArray(), http.Request.Headers["Agora-Signature-V2"], ct) switch
            {
                NcsOutcome.SignatureInvalid => ApiProblems.Problem(StatusCodes.Status401Unauthorized, "signature_invalid",
                    "Agora-Signature-V2 is missing or does not match this project's NCS secret."),
                NcsOutcome.Malformed => ApiProblems.Problem(StatusCodes.Status400BadRequest, "ncs_body_invalid",
                    "The body is not an NCS notice (noticeId, eventType, payload)."),
                NcsOutcome.Conflict => ApiProblems.Problem(StatusCodes.Status409Conflict, "ncs_conflict", "Another event for this user was applied at the same moment; send again."),
                var outcome => Results.Ok(new { status = outcome.ToString().ToLowerInvariant() }),
            };
        }).AllowAnonymous().WithTags("Agora NCS").WithSummary("Agora Notification Center Service events (signed with the project's NCS secret).");

    private static IResult TooLarge() => ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "body_too_large",
        $"An NCS notice is at most {NcsReceiver.MaxBodyBytes / 1024} KiB.");
}
