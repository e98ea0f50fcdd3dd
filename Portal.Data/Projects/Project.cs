using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Organizations;
using Portal.Data.Tenancy;

namespace Portal.Data.Projects;

public enum ProjectStatus { Active = 1, Disabled = 2 }

public sealed class Project : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Name { get; set; }

    /// Agora App ID: 32 hex characters, unique within the organization.
    public required string AppId { get; set; }
    public ProjectStatus Status { get; set; } = ProjectStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// Bumped by every certificate-ring change: two concurrent ring operations cannot both commit.
    public int RingVersion { get; set; }

    /// Set by the rotation job when the Active certificate is imported and older than the rotation interval
    /// (Portal cannot create Agora's certificates); cleared when another certificate becomes Active.
    public DateTimeOffset? RotationDueSince { get; set; }

    public TokenPolicy Policy { get; set; } = new();
    public List<ProjectCertificate> Certificates { get; set; } = [];
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.ToTable("Projects");
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.AppId).HasMaxLength(32);
        b.Property(p => p.RingVersion).IsConcurrencyToken();
        b.HasIndex(p => new { p.OrganizationId, p.AppId }).IsUnique();
        b.HasIndex(p => new { p.OrganizationId, p.Name });
        b.HasIndex(p => new { p.OrganizationId, p.CreatedAt });
        b.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        b.OwnsOne(p => p.Policy, policy =>
        {
            policy.Property(x => x.ChannelPrefixes).HasMaxLength(2000);
        });
        b.Navigation(p => p.Policy).IsRequired();
    }
}
