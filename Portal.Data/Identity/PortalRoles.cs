namespace Portal.Data.Identity;

public static class PortalRoles
{
    /// Runs the installation: organizations, system health, the Hangfire dashboard.
    public const string PlatformAdmin = "PlatformAdmin";
}
