namespace Portal.Data.Tenancy;

/// A row that belongs to one organization. PortalDbContext filters every such entity by the context's
/// organization (named filter <see cref="PortalDbContext.TenantFilter"/>) and refuses writes to another one.
public interface ITenantOwned
{
    Guid OrganizationId { get; set; }
}
