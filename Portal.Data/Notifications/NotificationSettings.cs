using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.Notifications;

/// Where an organization's reports and alerts go: a webhook (signed with a secret kept as Data Protection
/// ciphertext, because Portal must sign with it) and e-mail recipients when SMTP is configured.
public sealed class NotificationSettings : ITenantOwned
{
    public Guid OrganizationId { get; set; }
    public string? WebhookUrl { get; set; }
    public string? ProtectedWebhookSecret { get; set; }

    /// The first characters of the secret, so people can tell which one a receiver holds.
    public string? WebhookSecretPrefix { get; set; }

    /// One address per line.
    public string EmailRecipients { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class NotificationSettingsConfiguration : IEntityTypeConfiguration<NotificationSettings>
{
    public void Configure(EntityTypeBuilder<NotificationSettings> b)
    {
        b.ToTable("NotificationSettings");
        b.HasKey(s => s.OrganizationId);
        b.Property(s => s.WebhookUrl).HasMaxLength(2000);
        b.Property(s => s.ProtectedWebhookSecret).HasMaxLength(1000);
        b.Property(s => s.WebhookSecretPrefix).HasMaxLength(16);
        b.Property(s => s.EmailRecipients).HasMaxLength(4000);
        b.HasOne<Organizations.Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
