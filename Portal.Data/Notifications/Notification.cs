using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.Notifications;

public enum NotificationStatus { Pending = 1, Delivered = 2, Failed = 3 }

public enum NotificationChannel { Webhook = 1, Email = 2 }

/// One message to one channel of one organization. (Channel, Kind, DedupKey) is unique per organization, so
/// raising the same event twice (a job run twice, two replicas) produces one message.
public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public NotificationChannel Channel { get; set; }

    /// Stable event name, e.g. `report.daily`, `certificate.rotation_due`.
    public required string Kind { get; set; }
    public required string DedupKey { get; set; }
    public required string Subject { get; set; }

    /// The JSON `data` of the webhook body.
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public NotificationStatus Status { get; set; } = NotificationStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? LastError { get; set; }
    public List<NotificationAttempt> AttemptLog { get; set; } = [];
}

/// One try at delivering a notification: when, what the receiver answered, how long it took.
public sealed class NotificationAttempt : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid NotificationId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset At { get; set; }
    public bool Succeeded { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.Property(n => n.Kind).HasMaxLength(64);
        b.Property(n => n.DedupKey).HasMaxLength(200);
        b.Property(n => n.Subject).HasMaxLength(300);
        b.Property(n => n.LastError).HasMaxLength(500);
        b.HasIndex(n => new { n.OrganizationId, n.Channel, n.Kind, n.DedupKey }).IsUnique();
        b.HasIndex(n => new { n.OrganizationId, n.CreatedAt });
        b.HasIndex(n => new { n.Status, n.NextAttemptAt });
        b.HasOne<Organizations.Organization>().WithMany().HasForeignKey(n => n.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(n => n.AttemptLog).WithOne().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationAttemptConfiguration : IEntityTypeConfiguration<NotificationAttempt>
{
    public void Configure(EntityTypeBuilder<NotificationAttempt> b)
    {
        b.ToTable("NotificationAttempts");
        b.Property(a => a.Error).HasMaxLength(500);
        b.HasIndex(a => new { a.NotificationId, a.Number });
    }
}
