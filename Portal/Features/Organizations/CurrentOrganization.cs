using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Tenancy;

namespace Portal.Features.Organizations;

/// The organization the admin UI is showing, per circuit: the user's stored choice while they are still a
/// member, else their first organization. Pages get an <see cref="OrgCaller"/> from here, never from the URL.
/// Nothing is cached: a page asks on every load, so a membership or role that changed shows at once (and the
/// services check the caller again on every call, see <see cref="OrganizationAccess.CheckAsync"/>).
public sealed class CurrentOrganization(AuthenticationStateProvider auth, OrganizationAccess access, TenantDb tenants)
{
    /// Raised when the user joined an organization in this circuit (the app bar's switcher listens).
    public event Action? Changed;

    public async Task<ClaimsPrincipal> UserAsync() => (await auth.GetAuthenticationStateAsync()).User;

    public async Task<IReadOnlyList<OrganizationSummary>> MineAsync(CancellationToken ct = default)
    {
        var user = await UserAsync();
        return await access.MineAsync(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", ct);
    }

    /// The caller for the current organization, or null when the user belongs to none (or the refusal, e.g. 2FA required).
    public async Task<Result<OrgCaller>?> GetAsync(CancellationToken ct = default)
    {
        var mine = await MineAsync(ct);
        if (mine.Count == 0) return null;
        var user = await UserAsync();
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        await using var db = await tenants.GlobalAsync(ct);
        var stored = await db.Users.Where(u => u.Id == userId).Select(u => u.CurrentOrganizationId).SingleOrDefaultAsync(ct);
        var orgId = mine.Any(o => o.Id == stored) ? stored!.Value : mine[0].Id;
        return await access.ResolveAsync(user, orgId, ct);
    }

    public async Task SwitchAsync(Guid organizationId, CancellationToken ct = default)
    {
        if (!(await MineAsync(ct)).Any(o => o.Id == organizationId)) return;
        var userId = (await UserAsync()).FindFirstValue(ClaimTypes.NameIdentifier)!;
        await using var db = await tenants.GlobalAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.CurrentOrganizationId, organizationId), ct);
    }

    /// After the user joined an organization in this circuit: make it the current one and tell the switcher.
    public async Task SwitchToNewAsync(Guid organizationId, CancellationToken ct = default)
    {
        await SwitchAsync(organizationId, ct);
        Changed?.Invoke();
    }
}
