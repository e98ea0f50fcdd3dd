using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.AgoraOps;

/// A project's NCS (Agora's Notification Center Service) endpoint: the secret Agora signs its events with, which the
/// admin pastes from Agora Console; kept as Data Protection ciphertext because Portal must compute the HMAC with it.
public sealed class NcsEndpoint : ITenantOwned
{
    public Guid ProjectId { get; set; }
    public Guid OrganizationId { get; set; }
    public required string ProtectedSecret { get; set; }
    public required string SecretFingerprint { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastEventAt { get; set; }
}

/// One NCS notice already handled: Agora retries until it gets a 200, so the same noticeId may come several times.
public sealed class NcsNotice : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public required string NoticeId { get; set; }
    public int EventType { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// Who is in a channel, as NCS events tell it. One row per (project, channel, uid); a leave marks it offline rather
/// than deleting it, so an older join arriving late (out of order) cannot bring the user back. EventTs (Agora's
/// payload ts, ms) and ClientSeq order the events of one user.
public sealed class ChannelPresence : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Channel { get; set; }
    public long Uid { get; set; }

    /// broadcaster or audience.
    public required string Role { get; set; }
    public bool Online { get; set; }
    public DateTimeOffset? JoinedAt { get; set; }
    public long EventTs { get; set; }
    public long ClientSeq { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class NcsConfiguration :
    IEntityTypeConfiguration<NcsEndpoint>, IEntityTypeConfiguration<NcsNotice>, IEntityTypeConfiguration<ChannelPresence>
{
    public void Configure(EntityTypeBuilder<NcsEndpoint> b)
    {
        b.ToTable("NcsEndpoints");
        b.HasKey(e => e.ProjectId);
        b.Property(e => e.ProtectedSecret).HasMaxLength(1000);
        b.Property(e => e.SecretFingerprint).HasMaxLength(16);
        b.HasOne<Projects.Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<NcsNotice> b)
    {
        b.ToTable("NcsNotices");
        b.Property(n => n.NoticeId).HasMaxLength(100);
        b.HasIndex(n => new { n.ProjectId, n.NoticeId }).IsUnique();
        b.HasIndex(n => n.ReceivedAt);
        b.HasOne<Projects.Project>().WithMany().HasForeignKey(n => n.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ChannelPresence> b)
    {
        b.ToTable("ChannelPresence");
        b.Property(p => p.Channel).HasMaxLength(64);
        b.Property(p => p.Role).HasMaxLength(16);
        b.HasIndex(p => new { p.ProjectId, p.Channel, p.Uid }).IsUnique();
        b.HasIndex(p => new { p.Online, p.UpdatedAt });
        b.HasOne<Projects.Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// Calls one Agora account made in one second, shared by every replica: Agora allows an account about 10 requests a
/// second, so Portal keeps under it whichever replica asks. Old seconds are deleted by the presence expiry job.
public sealed class AgoraCallWindow
{
    public Guid AgoraAccountId { get; set; }
    public long Second { get; set; }
    public int Calls { get; set; }
}

internal sealed class AgoraCallWindowConfiguration : IEntityTypeConfiguration<AgoraCallWindow>
{
    public void Configure(EntityTypeBuilder<AgoraCallWindow> b)
    {
        b.ToTable("AgoraCallWindows");
        b.HasKey(w => new { w.AgoraAccountId, w.Second });
        b.HasOne<AgoraAccount>().WithMany().HasForeignKey(w => w.AgoraAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
