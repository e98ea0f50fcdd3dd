using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Audit;

public enum AuditActorType { System = 0, User = 1, ManagementToken = 2, ApiKey = 3, Job = 4, Anonymous = 5 }

/// One append-only audit row. <see cref="Hash"/> = SHA-256(previous hash || canonical content), so editing,
/// deleting or inserting a row breaks the chain from that point on (see AuditChain).
public sealed class AuditEvent
{
    public long Id { get; set; }

    /// Gap-free position in the chain; unique, so two writers racing for the same slot cannot both win.
    public long Sequence { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? OrganizationId { get; set; }
    public AuditActorType ActorType { get; set; }
    public string? ActorId { get; set; }
    public string? ActorName { get; set; }
    public AuditEventType Type { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public bool Succeeded { get; set; } = true;

    /// JSON object with the facts that matter; never a secret.
    public string Details { get; set; } = "{}";
    /// Which canonical form <see cref="Hash"/> was computed with (1: separator-joined, 2: length-prefixed). Rows keep
    /// the version they were written with, so chains written before a format change still verify.
    public int HashVersion { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("AuditEvents");
        b.HasIndex(e => e.Sequence).IsUnique();
        b.HasIndex(e => new { e.OrganizationId, e.OccurredAt });
        // The audit page and API read one organization newest first (keyset on Sequence), optionally by event type.
        b.HasIndex(e => new { e.OrganizationId, e.Sequence });
        b.HasIndex(e => new { e.OrganizationId, e.Type, e.Sequence });
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorName).HasMaxLength(256);
        b.Property(e => e.TargetType).HasMaxLength(64);
        b.Property(e => e.TargetId).HasMaxLength(128);
        b.Property(e => e.IpAddress).HasMaxLength(64);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
    }
}
