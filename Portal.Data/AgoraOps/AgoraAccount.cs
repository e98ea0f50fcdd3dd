using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.AgoraOps;

/// One Agora account's RESTful API credentials (Agora Console → RESTful API): the Customer ID, and the Customer
/// Secret as Data Protection ciphertext, because Portal must send it (Basic auth) on every call.
public sealed class AgoraAccount : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Name { get; set; }
    public required string CustomerId { get; set; }
    public required string ProtectedSecret { get; set; }

    /// First and last 4 characters of the secret, so people can tell which one is stored.
    public required string SecretFingerprint { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastTestedAt { get; set; }

    /// The outcome of the last *Test connection*, in plain words ("ok" when it worked).
    public string? LastTestResult { get; set; }
}

/// Which Agora account a project's REST calls (kick, ban, channel queries) use. One row per linked project.
public sealed class ProjectAgoraLink : ITenantOwned
{
    public Guid ProjectId { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid AgoraAccountId { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}

internal sealed class AgoraAccountConfiguration : IEntityTypeConfiguration<AgoraAccount>
{
    public void Configure(EntityTypeBuilder<AgoraAccount> b)
    {
        b.ToTable("AgoraAccounts");
        b.Property(a => a.Name).HasMaxLength(100);
        b.Property(a => a.CustomerId).HasMaxLength(64);
        b.Property(a => a.ProtectedSecret).HasMaxLength(1000);
        b.Property(a => a.SecretFingerprint).HasMaxLength(16);
        b.Property(a => a.LastTestResult).HasMaxLength(300);
        b.HasIndex(a => new { a.OrganizationId, a.Name }).IsUnique();
        b.HasOne<Organizations.Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectAgoraLinkConfiguration : IEntityTypeConfiguration<ProjectAgoraLink>
{
    public void Configure(EntityTypeBuilder<ProjectAgoraLink> b)
    {
        b.ToTable("ProjectAgoraLinks");
        b.HasKey(l => l.ProjectId);
        b.HasIndex(l => new { l.OrganizationId, l.AgoraAccountId });
        b.HasOne<Projects.Project>().WithMany().HasForeignKey(l => l.ProjectId).OnDelete(DeleteBehavior.Cascade);
        // Removing an account unlinks its projects (they can no longer call Agora until linked again).
        b.HasOne<AgoraAccount>().WithMany().HasForeignKey(l => l.AgoraAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
