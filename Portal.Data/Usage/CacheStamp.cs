using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Usage;

/// One row whose Version is bumped by every change the token API caches (key revoked, certificate rotated,
/// policy edited, project or organization disabled). Each instance polls it cheaply and drops its cache.
public sealed class CacheStamp
{
    public int Id { get; set; }
    public long Version { get; set; }
}

internal sealed class CacheStampConfiguration : IEntityTypeConfiguration<CacheStamp>
{
    public void Configure(EntityTypeBuilder<CacheStamp> b)
    {
        b.ToTable("CacheStamps");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasData(new CacheStamp { Id = 1, Version = 0 });
    }
}
