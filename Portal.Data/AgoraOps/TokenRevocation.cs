using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Tenancy;

namespace Portal.Data.AgoraOps;

/// A revocation of a project's tokens: for one subject (Subject: a uid as its decimal text or a user account,
/// which is how a token carries either), or for every token issued up to IssuedBefore. Active until lifted.
/// The token API caches active revocations (the row bumps the cache stamp), so issuing needs no database visit.
public sealed class TokenRevocation : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public string? Subject { get; set; }
    public DateTimeOffset? IssuedBefore { get; set; }
    public DateTimeOffset RevokedAt { get; set; }
    public required string RevokedBy { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }

    /// The kicking-rule placed for the subject at revocation (a uid only: Agora's rules cannot name an account).
    public Guid? BanId { get; set; }
}

internal sealed class TokenRevocationConfiguration : IEntityTypeConfiguration<TokenRevocation>
{
    public void Configure(EntityTypeBuilder<TokenRevocation> b)
    {
        b.ToTable("TokenRevocations");
        b.Property(r => r.Subject).HasMaxLength(255);
        b.Property(r => r.RevokedBy).HasMaxLength(256);
        b.Property(r => r.LiftedBy).HasMaxLength(256);
        b.HasIndex(r => new { r.ProjectId, r.LiftedAt });
        b.HasIndex(r => new { r.OrganizationId, r.ProjectId, r.RevokedAt });
        b.HasOne<Projects.Project>().WithMany().HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
