using System.Security.Claims;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Organizations;

/// A signed-in user acting on the installation rather than inside one organization (creating organizations).
public sealed record PlatformCaller(string UserId, bool IsPlatformAdmin, AuditActor Actor)
{
    public static PlatformCaller From(ClaimsPrincipal user, AuditActor actor) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", user.IsInRole(PortalRoles.PlatformAdmin), actor);
}
