using System.Globalization;

namespace Portal.Features.Notifications;

/// The alerts raised from more than one place, built in one place so their dedup keys always match (the
/// rotation job raises "rotation due" at once; the hourly scan raises it again, as a no-op, in case that failed).
public static class NotificationEvents
{
    public const string RotationDue = "certificate.rotation_due";
    public const string KeyExpiring = "api_key.expiring";
    public const string AuditChainBroken = "audit_chain.broken";
    public const string DailyReport = "report.daily";

    /// Seconds, not ticks: the stored time may be less precise than the one the job held.
    public static Task<int> RaiseRotationDueAsync(this NotificationService notifications, Guid organizationId, Guid projectId, string projectName,
        DateTimeOffset dueSince, CancellationToken ct) =>
        notifications.RaiseAsync(organizationId, RotationDue, $"{projectId}:{dueSince.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}",
            $"Certificate rotation due for project {projectName}",
            new { projectId, projectName, dueSince, fix = $"/projects/{projectId}?tab=certificates" }, ct);
}
