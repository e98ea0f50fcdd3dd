using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Identity;

/// How a management token came to be: what revokes it and what it may create.
public enum ManagementTokenKind
{
    /// Created by name on the account page or through /api/v1/me/tokens.
    Named = 0,

    /// The one-hour token of `POST /api/v1/auth/token` (email and password).
    Login = 1,

    /// `Portal:Bootstrap:AdminApiToken`, owned by the installation's configuration.
    Bootstrap = 2,
}

/// A bearer token for the management API. Only the SHA-256 of the secret and a short visible prefix are kept.
public sealed class ManagementToken
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public ManagementTokenKind Kind { get; set; }

    public PortalUser? User { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

internal sealed class ManagementTokenConfiguration : IEntityTypeConfiguration<ManagementToken>
{
    public void Configure(EntityTypeBuilder<ManagementToken> b)
    {
        b.ToTable("ManagementTokens");
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(32);
        b.Property(t => t.SecretHash).HasMaxLength(32);
        b.HasIndex(t => t.Prefix);
        b.HasIndex(t => t.UserId);
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
