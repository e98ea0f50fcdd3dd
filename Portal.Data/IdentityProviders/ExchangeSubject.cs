using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Projects;
using Portal.Data.Tenancy;

namespace Portal.Data.IdentityProviders;

/// Which identity holds a uid in a project, recorded at its first exchange: a second identity whose claim maps to
/// the same uid is refused rather than handed someone else's uid. Only a hash of provider and claim value is kept.
public sealed class ExchangeSubject : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public long Uid { get; set; }

    /// SHA-256 of the provider id and the identity claim's value.
    public required byte[] SubjectHash { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
}

internal sealed class ExchangeSubjectConfiguration : IEntityTypeConfiguration<ExchangeSubject>
{
    public void Configure(EntityTypeBuilder<ExchangeSubject> b)
    {
        b.ToTable("ExchangeSubjects");
        b.Property(s => s.SubjectHash).HasMaxLength(32);
        b.HasIndex(s => new { s.ProjectId, s.Uid }).IsUnique();
        b.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
