using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Tenancy;
using Portal.Features.TokenIssuance;

namespace Portal.Features.TokenExchange;

/// Projects' identity providers for the exchange, read once and then served from memory. It rides on the token
/// API's cache stamp: <see cref="CacheStampPoller"/> moves <see cref="IssuanceCache.Version"/> within a second of any
/// change to a provider, project, certificate or organization (the data layer bumps it), and a moved version empties
/// this cache too, so a removed or disabled provider stops on every replica within about a second.
public sealed class ExchangeDirectory(TenantDb tenants, IssuanceCache issuance)
{
    private const int MaxProjects = 50_000;
    private ConcurrentDictionary<Guid, ProjectProviders?> _projects = new();

    // Ids with no project or no provider, apart and bounded as for unknown API keys: anyone can send random ids, and
    // they must neither cost a database visit each time nor push the real projects out.
    private UnknownKeys<Guid> _unknown = new(IssuanceCache.MaxUnknownKeys);
    private long _version = long.MinValue;

    public async ValueTask<ProjectProviders?> FindAsync(Guid projectId, CancellationToken ct)
    {
        var version = issuance.Version;
        if (version != Interlocked.Read(ref _version))
        {
            _projects = new ConcurrentDictionary<Guid, ProjectProviders?>();
            _unknown = new UnknownKeys<Guid>(IssuanceCache.MaxUnknownKeys);
            Interlocked.Exchange(ref _version, version);
        }
        var projects = _projects;
        if (projects.TryGetValue(projectId, out var cached)) return cached;
        var unknown = _unknown;
        if (unknown.Contains(projectId)) return null;
        var loaded = await LoadAsync(projectId, ct);
        if (loaded is null)
        {
            unknown.Add(projectId);
            return null;
        }
        if (projects.Count >= MaxProjects) projects.Clear();
        projects[projectId] = loaded;
        return loaded;
    }

    private async Task<ProjectProviders?> LoadAsync(Guid projectId, CancellationToken ct)
    {
        Guid organizationId;
        List<Data.IdentityProviders.IdentityProvider> providers;
        // The request names only the project, so this lookup cannot be scoped to an organization in advance.
        await using (var db = await tenants.UnfilteredAsync("token exchange provider lookup by project", ct))
        {
            var org = await db.Projects.AsNoTracking().Where(p => p.Id == projectId).Select(p => (Guid?)p.OrganizationId).SingleOrDefaultAsync(ct);
            if (org is null) return null;
            organizationId = org.Value;
            providers = await db.IdentityProviders.AsNoTracking().Where(p => p.ProjectId == projectId).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        }
        if (providers.Count == 0) return null;
        var project = await issuance.ProjectAsync(organizationId, projectId, null, ct);
        if (project is null) return null;
        return new ProjectProviders(project, providers.Select(p => ProviderSnapshots.Of(p, project)).ToList());
    }
}
