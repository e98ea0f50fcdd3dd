using Portal.Api;
using Portal.Data.Organizations;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// Who is acting inside one organization, with which role. Produced only by <see cref="OrganizationAccess"/>.
public sealed record OrgCaller(Guid OrganizationId, string UserId, OrganizationRole? Role, bool IsPlatformAdmin, AuditActor Actor)
{
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
