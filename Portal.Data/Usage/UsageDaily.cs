using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.Usage;

/// The daily aggregate of <see cref="UsageCounter"/>, kept 400 days (raw counters: 35). The hourly rollup
/// sets Count to the sum of the raw rows (never adds), so running it twice or concurrently changes nothing.
public sealed class UsageDaily : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public Guid ApiKeyId { get; set; }
    public required string Service { get; set; }

    /// UTC day as yyyymmdd, as in <see cref="UsageCounter.Day"/>.
    public int Day { get; set; }
    public required string Outcome { get; set; }
    public long Count { get; set; }
}

internal sealed class UsageDailyConfiguration : IEntityTypeConfiguration<UsageDaily>
{
    public void Configure(EntityTypeBuilder<UsageDaily> b)
    {
        b.ToTable("UsageDaily");
        b.Property(u => u.Service).HasMaxLength(16);
        b.Property(u => u.Outcome).HasMaxLength(64);
        b.HasIndex(u => new { u.ProjectId, u.ApiKeyId, u.Service, u.Day, u.Outcome }).IsUnique();
        b.HasIndex(u => new { u.OrganizationId, u.Day });
        b.HasIndex(u => u.Day);
    }
}
