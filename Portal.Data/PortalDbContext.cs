using System.Reflection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Data.Organizations;
using Portal.Data.Projects;
using Portal.Data.Tenancy;

namespace Portal.Data;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    /// Name of the query filter that limits tenant-owned entities to <see cref="TenantId"/>.
    public const string TenantFilter = "Tenant";

    public DbSet<ManagementToken> ManagementTokens => Set<ManagementToken>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditVerification> AuditVerifications => Set<AuditVerification>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectCertificate> ProjectCertificates => Set<ProjectCertificate>();
    public DbSet<ApiKeys.ApiKey> ApiKeys => Set<ApiKeys.ApiKey>();
    public DbSet<IdentityProviders.IdentityProvider> IdentityProviders => Set<IdentityProviders.IdentityProvider>();
    public DbSet<IdentityProviders.ExchangeSubject> ExchangeSubjects => Set<IdentityProviders.ExchangeSubject>();
    public DbSet<Usage.UsageCounter> UsageCounters => Set<Usage.UsageCounter>();
    public DbSet<Usage.CacheStamp> CacheStamps => Set<Usage.CacheStamp>();
    public DbSet<Usage.UsageDaily> UsageDaily => Set<Usage.UsageDaily>();
    public DbSet<Usage.DailyReport> DailyReports => Set<Usage.DailyReport>();
    public DbSet<Notifications.NotificationSettings> NotificationSettings => Set<Notifications.NotificationSettings>();
    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();
    public DbSet<Notifications.NotificationAttempt> NotificationAttempts => Set<Notifications.NotificationAttempt>();
    public DbSet<AgoraOps.AgoraAccount> AgoraAccounts => Set<AgoraOps.AgoraAccount>();
    public DbSet<AgoraOps.ProjectAgoraLink> ProjectAgoraLinks => Set<AgoraOps.ProjectAgoraLink>();
    public DbSet<AgoraOps.AgoraBan> AgoraBans => Set<AgoraOps.AgoraBan>();
    public DbSet<AgoraOps.TokenRevocation> TokenRevocations => Set<AgoraOps.TokenRevocation>();
    public DbSet<AgoraOps.NcsEndpoint> NcsEndpoints => Set<AgoraOps.NcsEndpoint>();
    public DbSet<AgoraOps.NcsNotice> NcsNotices => Set<AgoraOps.NcsNotice>();
    public DbSet<AgoraOps.ChannelPresence> ChannelPresence => Set<AgoraOps.ChannelPresence>();
    public DbSet<AgoraOps.AgoraCallWindow> AgoraCallWindows => Set<AgoraOps.AgoraCallWindow>();

    /// The Data Protection key ring; each key's XML is encrypted with the master key before it lands here.
    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

    /// The organization this context may see. Null sees no tenant-owned row at all (fails closed).
    public Guid? TenantId { get; private set; }

    /// Set only through <see cref="TenantDb"/>'s named bypass, for platform-admin code and jobs.
    public bool TenantBypass { get; private set; }

    internal void ScopeTo(Guid organizationId) { TenantId = organizationId; TenantBypass = false; }

    internal void Bypass() { TenantId = null; TenantBypass = true; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        var apply = typeof(PortalDbContext).GetMethod(nameof(ApplyTenantFilter), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType) && !t.IsOwned()))
            apply.MakeGenericMethod(type.ClrType).Invoke(this, [builder]);
    }

    private void ApplyTenantFilter<T>(ModelBuilder builder) where T : class, ITenantOwned =>
        builder.Entity<T>().HasQueryFilter(TenantFilter, e => TenantBypass || (TenantId != null && e.OrganizationId == TenantId));

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // SQLite has no native date type and cannot compare or order DateTimeOffset text; store UTC ticks there.
        // Other providers (PostgreSQL) keep their native timestamptz.
        if (Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            configuration.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
            configuration.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        EnforceTenant();
        var bump = TouchesTokenCache();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (bump) Database.ExecuteSql($"UPDATE \"CacheStamps\" SET \"Version\" = \"Version\" + 1 WHERE \"Id\" = 1");
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        EnforceTenant();
        var bump = TouchesTokenCache();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (bump) await Database.ExecuteSqlAsync($"UPDATE \"CacheStamps\" SET \"Version\" = \"Version\" + 1 WHERE \"Id\" = 1", cancellationToken);
        return saved;
    }

    /// Keys, identity providers, certificates, projects (policy, status), organizations and token revocations are cached by the
    /// token API; a change to any of them bumps the cache stamp that every instance polls. Done here so no feature can forget it.
    private bool TouchesTokenCache() => ChangeTracker.Entries().Any(e =>
        e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted &&
        e.Entity is Data.ApiKeys.ApiKey or Data.IdentityProviders.IdentityProvider or ProjectCertificate or Project or Organization
            or AgoraOps.TokenRevocation);

    /// The write half of tenancy: new rows get the context's organization, and no row of another one is written.
    private void EnforceTenant()
    {
        if (TenantBypass) return;
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.OrganizationId == Guid.Empty && TenantId is { } tenant)
                entry.Entity.OrganizationId = tenant;
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && entry.Entity.OrganizationId != TenantId)
                throw new TenantViolationException(entry.Metadata.ClrType.Name);
        }
    }
}

public sealed class TenantViolationException(string entity)
    : InvalidOperationException($"Refused to write a {entity} outside the context's organization.");
