using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Audit;

/// The outcome of one walk over the audit chain (daily job, CLI or "verify now").
public sealed class AuditVerification
{
    public long Id { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
    public bool Intact { get; set; }
    public long EventsChecked { get; set; }
    public long? FirstBrokenSequence { get; set; }
    public string Message { get; set; } = "";

    /// The chain head (last sequence and its hash) the walk ended at: kept outside the rows it covers, so a later
    /// truncation or re-hash from some point is caught by holding the chain against it.
    public long? HeadSequence { get; set; }
    public string? HeadHash { get; set; }
}

internal sealed class AuditVerificationConfiguration : IEntityTypeConfiguration<AuditVerification>
{
    public void Configure(EntityTypeBuilder<AuditVerification> b)
    {
        b.ToTable("AuditVerifications");
        b.Property(v => v.Message).HasMaxLength(500);
        b.Property(v => v.HeadHash).HasMaxLength(64);
        b.HasIndex(v => v.CheckedAt);
    }
}
