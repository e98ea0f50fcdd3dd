namespace Portal.Features.Organizations;

/// Per circuit (scoped): raised when a service call found that the signed-in user's standing in an organization is
/// not what the page was showing (removed, demoted, organization disabled). The layout listens and rebuilds the
/// page, which then resolves the caller afresh.
public sealed class OrganizationChanges
{
    public event Action<Guid>? OnChanged;

    public void Changed(Guid organizationId) => OnChanged?.Invoke(organizationId);
}
