using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Api;
using Portal.Data.Identity;
using Portal.Features.Account;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

public static class OrganizationEndpoints
{
    private const string CallerKey = "portal:org-caller";

    /// `/api/v1/orgs/{orgId}`: every route below resolves the caller's membership first (404 for strangers).
    public static RouteGroupBuilder MapOrganizationScope(this IEndpointRouteBuilder app, bool allowPlatformAdmin = false)
    {
        var group = app.MapGroup("/api/v1/orgs/{orgId:guid}").RequireAuthorization(ManagementTokenAuthenticationHandler.PolicyName);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var orgId = Guid.Parse((string)http.Request.RouteValues["orgId"]!);
            var allowAdmin = http.GetEndpoint()?.Metadata.GetMetadata<PlatformAdminAllowed>() is not null;
            var caller = await http.RequestServices.GetRequiredService<OrganizationAccess>().ResolveAsync(http.User, orgId, http.RequestAborted, allowAdmin);
            if (!caller.Ok) return caller.Error.ToProblem();
            http.Items[CallerKey] = caller.Value;
            return await next(context);
        });
        return group;
    }

    public static OrgCaller Caller(this HttpContext http) => (OrgCaller)http.Items[CallerKey]!;

    /// Marks a route inside the organization scope that platform admins may use without being members.
    public sealed class PlatformAdminAllowed;

    public static void MapOrganizationApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/v1/orgs").RequireAuthorization(ManagementTokenAuthenticationHandler.PolicyName).WithTags("Organizations");
        orgs.MapPost("", CreateAsync).WithSummary("Create an organization (platform admins); `joinAsOwner` makes the creator its Owner.");
        orgs.MapGet("", ListAsync).WithSummary("Platform admins: every organization; others: their own.");

        var org = app.MapOrganizationScope().WithTags("Organizations");
        org.MapGet("", async (HttpContext http, OrganizationService service, CancellationToken ct) =>
            (await service.GetAsync(http.Caller(), ct)).ToOk()).WithMetadata(new PlatformAdminAllowed());
        org.MapPatch("", async (UpdateOrganization input, HttpContext http, OrganizationService service, CancellationToken ct) =>
            (await service.UpdateAsync(http.Caller(), input, ct)).ToOk()).WithMetadata(new PlatformAdminAllowed())
            .WithSummary("Rename, require 2FA (Owners, platform admins) or disable (platform admins).");
        org.MapPost("/join", async (HttpContext http, OwnerJoin service, CancellationToken ct) =>
            (await service.JoinAsync(http.Caller(), ct)).ToCreated(m => $"/api/v1/orgs/{http.Caller().OrganizationId}/members/{m.Id}"))
            .WithMetadata(new PlatformAdminAllowed()).WithSummary("Join as Owner without an invitation (platform admins who are not members).");
        org.MapGet("/members", async (HttpContext http, MemberService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.Caller(), ct)));
        org.MapPatch("/members/{memberId:guid}", async (Guid memberId, ChangeRole input, HttpContext http, MemberService service, CancellationToken ct) =>
            (await service.ChangeRoleAsync(http.Caller(), memberId, input, ct)).ToOk()).WithSummary("Change a member's role (Owners).");
        org.MapDelete("/members/{memberId:guid}", async (Guid memberId, HttpContext http, MemberService service, CancellationToken ct) =>
            (await service.RemoveAsync(http.Caller(), memberId, ct)).ToNoContent()).WithSummary("Remove a member (Owners).");
        org.MapGet("/invitations", async (HttpContext http, InvitationService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.Caller(), ct))).WithMetadata(new PlatformAdminAllowed());
        org.MapPost("/invitations", async (InviteMember input, HttpContext http, InvitationService service, CancellationToken ct) =>
            (await service.CreateAsync(http.Caller(), input, BaseUrl(http), ct)).ToCreated(i => $"/api/v1/orgs/{i.Id}/invitations"))
            .WithMetadata(new PlatformAdminAllowed()).WithSummary("Invite by email and role; the link is returned once.");

        org.MapDelete("/invitations/{invitationId:guid}", async (Guid invitationId, HttpContext http, InvitationService service, CancellationToken ct) =>
            (await service.RevokeAsync(http.Caller(), invitationId, ct)).ToNoContent())
            .WithMetadata(new PlatformAdminAllowed()).WithSummary("Withdraw a pending invitation: its link stops working at once.");

        // Anonymous for new people (the token is the credential); someone who already has an account sends its management token.
        app.MapPost("/api/v1/invitations/accept", async (AcceptInvitation input, HttpContext http, InvitationService service, AuditActorAccessor actors,
            CancellationToken ct) =>
        {
            var signedIn = await http.AuthenticateAsync(ManagementTokenAuthenticationHandler.SchemeName);
            var principal = signedIn.Succeeded ? signedIn.Principal : null;
            var actor = principal is null ? actors.Current() : actors.ForUser(principal.FindFirstValue(ClaimTypes.NameIdentifier), principal.FindFirstValue(ClaimTypes.Email));
            return (await service.AcceptAsync(input, principal, actor, ct)).ToOk();
        }).AllowAnonymous().WithTags("Organizations")
            .WithSummary("Accept an invitation with its token: a new person sets a password; an existing account sends its management token instead.");
    }

    private static async Task<Results<Created<OrganizationSummary>, ProblemHttpResult>> CreateAsync(
        CreateOrganization input, ClaimsPrincipal user, OrganizationService service, AuditActorAccessor actors, CancellationToken ct)
    {
        var result = await service.CreateAsync(PlatformCaller.From(user, actors.Current()), input, ct);
        return result.Ok ? TypedResults.Created($"/api/v1/orgs/{result.Value.Id}", result.Value) : result.Error.ToProblem();
    }

    private static async Task<Ok<IReadOnlyList<OrganizationSummary>>> ListAsync(
        ClaimsPrincipal user, OrganizationService service, OrganizationAccess access, CancellationToken ct) =>
        TypedResults.Ok(user.IsInRole(PortalRoles.PlatformAdmin)
            ? await service.ListAllAsync(ct)
            : await access.MineAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, ct));

    internal static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
