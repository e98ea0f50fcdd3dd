using Microsoft.AspNetCore.Identity;

namespace Portal.Data.Identity;

/// A person who signs in. Platform-wide roles (PlatformAdmin) use Identity roles; organization roles
/// arrive with tenancy as a membership table (user, organization, role), so nothing here is per-tenant.
public sealed class PortalUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }

    /// Set for the generated first-run admin and by admins resetting a password; cleared by a password change.
    public bool MustChangePassword { get; set; }

    /// The last TOTP time step accepted for this user: a code from this step or earlier is a replay.
    public long LastTotpTimeStep { get; set; }

    /// The organization the admin UI shows (the app bar's switcher); validated against memberships on use.
    public Guid? CurrentOrganizationId { get; set; }
}
