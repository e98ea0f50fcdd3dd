using Portal.Common;
using Portal.Data.Organizations;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// Who is acting inside one organization, with which role. Produced only by <see cref="OrganizationAccess"/>.
/// <param name="Session">The sign-in session acting (a UI circuit or one management token), for what is remembered per
/// session such as a re-authentication; null when there is none to bind to.</param>
public sealed record OrgCaller(Guid OrganizationId, string UserId, OrganizationRole? Role, bool IsPlatformAdmin, AuditActor Actor,
    string? Session = null)
{
    /// A recurring job acting for the organization (certificate rotation): no person, so no membership to check again.
    public bool IsJob { get; private init; }

    public static OrgCaller Job(Guid organizationId, string jobId, AuditActor actor) =>
        new(organizationId, jobId, OrganizationRole.Owner, false, actor) { IsJob = true };

    public bool CanRead => Role is not null;
    public bool CanManage => Role is OrganizationRole.Admin or OrganizationRole.Owner;
    public bool IsOwner => Role is OrganizationRole.Owner;

    public ServiceError? RequireManage() => CanManage ? null
        : ServiceError.Forbidden("role_forbidden", "Your role in this organization is read-only: ask an Owner or Admin to make this change.");

    public ServiceError? RequireOwner() => IsOwner ? null
        : ServiceError.Forbidden("role_forbidden", "Only an Owner of this organization can do this.");

    /// Owners, and platform admins acting on an organization they administer without being members.
    public ServiceError? RequireOwnerOrPlatformAdmin() => IsPlatformAdmin ? null : RequireOwner();
}
