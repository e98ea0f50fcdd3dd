using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Projects;
using Portal.Data.Tenancy;

namespace Portal.Data.ApiKeys;

public enum ApiKeyKind { Secret = 1, Publishable = 2 }

[Flags]
public enum ApiKeyScopes
{
    None = 0, Rtc = 1, Rtm = 2, Chat = 4, Verify = 8,

    /// Chat *app* tokens: administrator credentials for Agora's Chat REST API. Secret keys only.
    ChatApp = 16,
}

/// A key of one project for the token API. Only SHA-256 of the key and a visible prefix are stored.
public sealed class ApiKey : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public ApiKeyKind Kind { get; set; }
    public ApiKeyScopes Scopes { get; set; }

    /// Origins (scheme://host[:port]) a publishable key may be used from, one per line.
    public string AllowedOrigins { get; set; } = "";

    /// Channel-name prefixes the key is limited to, one per line; empty = the project's policy alone.
    public string ChannelPrefixes { get; set; } = "";
    public int RateLimitPerMinute { get; set; }
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(32);
        b.Property(k => k.SecretHash).HasMaxLength(32);
        b.Property(k => k.AllowedOrigins).HasMaxLength(4000);
        b.Property(k => k.ChannelPrefixes).HasMaxLength(2000);
        b.HasIndex(k => k.SecretHash).IsUnique();
        b.HasIndex(k => new { k.ProjectId, k.CreatedAt });
        b.HasOne<Project>().WithMany().HasForeignKey(k => k.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
