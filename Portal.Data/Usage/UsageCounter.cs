using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.Usage;

/// Tokens issued (Outcome = "issued") or requests refused (Outcome = the problem code) per project, key,
/// service and UTC day. Rows are only ever incremented, by upsert, so replicas' flushes add up.
public sealed class UsageCounter : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }

    /// Guid.Empty when the request was refused before a key was known.
    public Guid ApiKeyId { get; set; }
    public required string Service { get; set; }

    /// UTC day as yyyymmdd, so every provider sorts and groups it the same way.
    public int Day { get; set; }
    public required string Outcome { get; set; }
    public long Count { get; set; }
}

internal sealed class UsageCounterConfiguration : IEntityTypeConfiguration<UsageCounter>
{
    public void Configure(EntityTypeBuilder<UsageCounter> b)
    {
        b.ToTable("UsageCounters");
        b.Property(u => u.Service).HasMaxLength(16);
        b.Property(u => u.Outcome).HasMaxLength(64);
        b.HasIndex(u => new { u.ProjectId, u.ApiKeyId, u.Service, u.Day, u.Outcome }).IsUnique();
        b.HasIndex(u => new { u.OrganizationId, u.Day });
    }
}
