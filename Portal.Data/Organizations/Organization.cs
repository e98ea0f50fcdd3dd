using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Organizations;

/// The tenant. Not itself tenant-filtered: access goes through membership (OrganizationAccess).
public sealed class Organization
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public bool IsDisabled { get; set; }
    public bool RequireTwoFactor { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> b)
    {
        b.ToTable("Organizations");
        b.Property(o => o.Name).HasMaxLength(100);
        b.Property(o => o.Slug).HasMaxLength(50);
        b.HasIndex(o => o.Slug).IsUnique();
    }
}
