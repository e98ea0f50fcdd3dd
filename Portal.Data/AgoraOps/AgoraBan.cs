using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.AgoraOps;

/// What a moderator asked Agora to do: a kick (a kicking-rule with time 0: out now, may rejoin), a ban from the
/// channel for some minutes, or a ban from publishing audio or video.
public enum BanKind { Kick = 1, BanJoin = 2, BanAudio = 3, BanVideo = 4 }

/// Pending: not yet confirmed by Agora (first call, or waiting for a retry). Active: Agora holds the rule.
/// Done: a kick Agora carried out (no rule stays). Failed: Agora refused, or the retries gave up (LastError says why).
/// Lifted: deleted at Agora by a moderator.
public enum BanStatus { Pending = 1, Active = 2, Done = 3, Failed = 4, Lifted = 5 }

/// One kick or ban of a project, kept whatever Agora answered: nothing a moderator asked for is lost.
public sealed class AgoraBan : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public BanKind Kind { get; set; }
    public string? Channel { get; set; }
    public long? Uid { get; set; }
    public string? Ip { get; set; }

    /// 0 for a kick; 1–1440 for a ban (Agora's range for `time`).
    public int Minutes { get; set; }
    public BanStatus Status { get; set; } = BanStatus.Pending;

    /// The rule id Agora returned (also in the audit event).
    public long? AgoraRuleId { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
}

internal sealed class AgoraBanConfiguration : IEntityTypeConfiguration<AgoraBan>
{
    public void Configure(EntityTypeBuilder<AgoraBan> b)
    {
        b.ToTable("AgoraBans");
        b.Property(x => x.Channel).HasMaxLength(64);
        b.Property(x => x.Ip).HasMaxLength(45);
        b.Property(x => x.LastError).HasMaxLength(500);
        b.Property(x => x.CreatedBy).HasMaxLength(256);
        b.HasIndex(x => new { x.OrganizationId, x.ProjectId, x.CreatedAt });
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasOne<Projects.Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
