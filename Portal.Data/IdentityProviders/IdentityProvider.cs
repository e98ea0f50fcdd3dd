using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Projects;
using Portal.Data.Tenancy;

namespace Portal.Data.IdentityProviders;

/// Where a provider's signing keys are found.
public enum IdentityKeySource { Discovery = 1, JwksUrl = 2, Pasted = 3 }

/// Which claim becomes the Agora identity, and how.
public enum IdentityMapping
{
    /// A numeric claim (1 to 2^32-1) is the uid.
    UidClaim = 1,

    /// A string claim (e.g. `sub`) mapped to a stable 32-bit uid: the first 4 bytes of SHA-256 of its UTF-8 value, big-endian (0 becomes 1).
    UidHash = 2,

    /// A string claim is the user account (RTC string account, RTM/Chat user id).
    Account = 3,
}

/// An identity provider (OIDC issuer) one project trusts: tokens it signs are exchanged for Agora tokens under the
/// provider's rules. Rules and required claims are JSON documents owned by the token exchange feature.
public sealed class IdentityProvider : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public required string Issuer { get; set; }

    /// Accepted `aud` values, one per line.
    public string Audiences { get; set; } = "";
    public IdentityKeySource KeySource { get; set; }

    /// The JWKS URL (KeySource = JwksUrl); for Discovery it is found in the discovery document.
    public string? JwksUrl { get; set; }

    /// Public keys pasted by the admin (a JWKS document or PEM public keys); public material, not a secret.
    public string? PastedKeys { get; set; }

    /// Allowed `alg` values, one per line (RS256, ES256, EdDSA).
    public string Algorithms { get; set; } = "RS256";
    public int ClockSkewSeconds { get; set; } = 60;

    /// Tokens issued (`iat`) longer ago than this are refused; null = only `exp` counts.
    public int? MaxTokenAgeSeconds { get; set; }
    public IdentityMapping Mapping { get; set; } = IdentityMapping.UidHash;
    public string IdentityClaim { get; set; } = "sub";

    /// JSON: `[{"claim":"email_verified","value":"true"}]`; each must hold (equal, or contained in an array claim).
    public string RequiredClaims { get; set; } = "[]";

    /// JSON: the ordered rule table; the first rule that matches wins.
    public string Rules { get; set; } = "[]";
    public int RateLimitPerSubjectPerMinute { get; set; } = 60;

    /// Web origins that may call the exchange for this provider, one per line (as for publishable keys).
    public string AllowedOrigins { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class IdentityProviderConfiguration : IEntityTypeConfiguration<IdentityProvider>
{
    public void Configure(EntityTypeBuilder<IdentityProvider> b)
    {
        b.ToTable("IdentityProviders");
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.Issuer).HasMaxLength(500);
        b.Property(p => p.Audiences).HasMaxLength(2000);
        b.Property(p => p.JwksUrl).HasMaxLength(1000);
        b.Property(p => p.PastedKeys).HasMaxLength(32000);
        b.Property(p => p.Algorithms).HasMaxLength(100);
        b.Property(p => p.IdentityClaim).HasMaxLength(100);
        b.Property(p => p.RequiredClaims).HasMaxLength(8000);
        b.Property(p => p.Rules).HasMaxLength(32000);
        b.Property(p => p.AllowedOrigins).HasMaxLength(4000);
        b.HasIndex(p => new { p.ProjectId, p.Issuer }).IsUnique();
        b.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
