using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.Usage;

/// One organization's usage report for one UTC day, stored as JSON so a report reads the same forever
/// (project and key names as they were that day).
public sealed class DailyReport : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }

    /// UTC day as yyyymmdd.
    public int Day { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long Issued { get; set; }
    public long Refused { get; set; }
    public required string Content { get; set; }
}

internal sealed class DailyReportConfiguration : IEntityTypeConfiguration<DailyReport>
{
    public void Configure(EntityTypeBuilder<DailyReport> b)
    {
        b.ToTable("DailyReports");
        b.HasIndex(r => new { r.OrganizationId, r.Day }).IsUnique();
        b.HasOne<Organizations.Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
