using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.Projects;

public enum CertificateState { Staged = 1, Active = 2, Previous = 3, Retired = 4 }

public enum CertificateSource { Imported = 1, Generated = 2 }

/// One version of a project's App Certificate. The secret is stored only as Data Protection ciphertext and is
/// wiped on retirement; the fingerprint (first and last 4 characters) is what people see.
public sealed class ProjectCertificate : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public CertificateState State { get; set; }
    public CertificateSource Source { get; set; }
    public string? ProtectedSecret { get; set; }
    public required string Fingerprint { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EffectiveAt { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public DateTimeOffset? GraceUntil { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
}

internal sealed class ProjectCertificateConfiguration : IEntityTypeConfiguration<ProjectCertificate>
{
    public void Configure(EntityTypeBuilder<ProjectCertificate> b)
    {
        b.ToTable("ProjectCertificates");
        b.Property(c => c.Fingerprint).HasMaxLength(16);
        b.Property(c => c.ProtectedSecret).HasMaxLength(1000);
        b.HasIndex(c => new { c.ProjectId, c.State });
        // The database itself refuses a second Active certificate in one project.
        b.HasIndex(c => c.ProjectId).IsUnique().HasFilter("\"State\" = 2").HasDatabaseName("IX_ProjectCertificates_OneActive");
        b.HasOne<Project>().WithMany(p => p.Certificates).HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
