using Microsoft.EntityFrameworkCore;

namespace Portal.Data.Tenancy;

/// The only way application code gets a PortalDbContext that can see tenant-owned rows: scoped to one
/// organization, or (by name, for platform-admin code and jobs) unfiltered.
public sealed class TenantDb(IDbContextFactory<PortalDbContext> factory)
{
    public async Task<PortalDbContext> ForOrganizationAsync(Guid organizationId, CancellationToken ct)
    {
        var db = await factory.CreateDbContextAsync(ct);
        db.ScopeTo(organizationId);
        return db;
    }

    /// Sees every organization. <paramref name="reason"/> documents the caller at the call site.
    public async Task<PortalDbContext> UnfilteredAsync(string reason, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var db = await factory.CreateDbContextAsync(ct);
        db.Bypass();
        return db;
    }

    /// Organization-independent tables only (users, organizations, audit); tenant-owned sets read empty.
    public Task<PortalDbContext> GlobalAsync(CancellationToken ct) => factory.CreateDbContextAsync(ct);
}
