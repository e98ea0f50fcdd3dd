using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.ApiKeys;
using Portal.Features.Certificates;

namespace Portal.Features.TokenIssuance;

/// Keys by hash, with their project's snapshot. A miss costs one database visit; after that a token request
/// touches no database. <see cref="CacheStampPoller"/> clears it within a second of any relevant change.
/// Unknown keys are remembered apart, in a bounded ring whose oldest entry makes room for the newest, so a flood of
/// random keys costs neither unbounded memory nor the known keys their place.
public sealed class IssuanceCache(TenantDb tenants, CertificateSecrets secrets)
{
    private const int MaxKeys = 50_000;
    public const int MaxUnknownKeys = 10_000;
    private ConcurrentDictionary<KeyHash, KeySnapshot> _keys = new();
    private UnknownKeys<KeyHash> _unknown = new(MaxUnknownKeys);

    // Keys that live in memory only and survive invalidation: the start-up warm-up's (TokenWarmUp).
    private readonly ConcurrentDictionary<KeyHash, KeySnapshot> _pinned = new();

    public long Version { get; private set; } = -1;

    /// How many known keys are held (tests: a flood of unknown keys leaves them in place).
    public int KnownCount => _keys.Count;

    public int UnknownCount => _unknown.Count;

    /// How many in-memory-only keys are held (tests: none once the warm-up is over).
    internal int PinnedCount => _pinned.Count;

    public async ValueTask<KeySnapshot?> FindAsync(string key, CancellationToken ct)
    {
        var hash = KeyHash.Of(key);
        if (_keys.TryGetValue(hash, out var cached) || _pinned.TryGetValue(hash, out cached)) return cached;
        var unknown = _unknown;
        if (unknown.Contains(hash)) return null;
        var loaded = await LoadAsync(ApiKeySecrets.Hash(key), ct);
        if (loaded is null)
        {
            unknown.Add(hash);
            return null;
        }
        var keys = _keys;
        if (keys.Count >= MaxKeys) keys.Clear(); // more keys in use than any installation has: start over
        keys[hash] = loaded;
        return loaded;
    }

    /// Holds a key that is in no database until <see cref="Unpin"/>.
    internal void Pin(string key, KeySnapshot snapshot) => _pinned[KeyHash.Of(key)] = snapshot;

    internal void Unpin(string key) => _pinned.TryRemove(KeyHash.Of(key), out _);

    /// Drops everything (a key, certificate, policy, project or organization changed somewhere).
    public void Invalidate(long version)
    {
        _keys = new ConcurrentDictionary<KeyHash, KeySnapshot>();
        _unknown = new UnknownKeys<KeyHash>(MaxUnknownKeys);
        Version = version;
    }

    private async Task<KeySnapshot?> LoadAsync(byte[] hash, CancellationToken ct)
    {
        // The key decides the organization, so this lookup cannot be scoped to one in advance.
        await using var db = await tenants.UnfilteredAsync("token API key lookup by hash", ct);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.SecretHash == hash, ct);
        if (key is null) return null;
        var project = await db.Projects.AsNoTracking().Include(p => p.Certificates).SingleAsync(p => p.Id == key.ProjectId, ct);
        var org = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == key.OrganizationId, ct);
        var snapshot = Snapshot(project, org) with { Revocations = await RevocationsAsync(db, project.Id, ct) };
        return new KeySnapshot(key.Id, key.Kind, key.Scopes, LineList.Split(key.AllowedOrigins), LineList.Split(key.ChannelPrefixes), key.RateLimitPerMinute,
            key.ExpiresAt, key.RevokedAt is not null, snapshot);
    }

    /// A project of one organization as the token API sees it, by id or App ID, read fresh (not cached): for the
    /// token inspector and the project page's test tokens, which must behave exactly like the API.
    public async Task<ProjectSnapshot?> ProjectAsync(Guid organizationId, Guid? projectId, string? appId, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(organizationId, ct);
        var project = await db.Projects.AsNoTracking().Include(p => p.Certificates)
            .Where(p => projectId == null ? p.AppId == appId : p.Id == projectId).OrderBy(p => p.Name).FirstOrDefaultAsync(ct);
        if (project is null) return null;
        var org = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organizationId, ct);
        return Snapshot(project, org) with { Revocations = await RevocationsAsync(db, project.Id, ct) };
    }

    /// Active revocations of one project: read with its snapshot, so a token request still touches no database.
    private static async Task<RevocationSnapshot> RevocationsAsync(PortalDbContext db, Guid projectId, CancellationToken ct)
    {
        var active = await db.TokenRevocations.AsNoTracking().Where(r => r.ProjectId == projectId && r.LiftedAt == null)
            .Select(r => new { r.Subject, r.IssuedBefore }).ToListAsync(ct);
        if (active.Count == 0) return RevocationSnapshot.None;
        var cut = active.Where(r => r.IssuedBefore != null).Select(r => (long?)r.IssuedBefore!.Value.ToUnixTimeSeconds()).Max();
        return new RevocationSnapshot(active.Where(r => r.Subject != null).Select(r => r.Subject!).ToHashSet(StringComparer.Ordinal), cut);
    }

    private ProjectSnapshot Snapshot(Project project, Data.Organizations.Organization org)
    {
        var active = project.Certificates.SingleOrDefault(c => c.State == CertificateState.Active && c.ProtectedSecret is not null);
        return new ProjectSnapshot(project.OrganizationId, project.Id, project.AppId, project.Status == ProjectStatus.Active,
            !org.IsDisabled, project.Policy, LineList.Split(project.Policy.ChannelPrefixes),
            active is null ? null : Certificate(active),
            project.Certificates.Where(c => c.State == CertificateState.Previous && c.ProtectedSecret is not null).Select(Certificate).ToList());
    }

    private CertificateSnapshot Certificate(ProjectCertificate c) => new(c.Id, c.State, secrets.Unprotect(c.ProtectedSecret!), c.GraceUntil);

    /// SHA-256 of a key as four longs: a dictionary key without allocating.
    private readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static KeyHash Of(string key)
        {
            // Callers refuse keys over ApiKeyAuthenticator.MaxKeyLength characters before they get here.
            Span<byte> utf8 = stackalloc byte[key.Length * 3];
            var length = System.Text.Encoding.UTF8.GetBytes(key, utf8);
            Span<byte> digest = stackalloc byte[32];
            System.Security.Cryptography.SHA256.HashData(utf8[..length], digest);
            var parts = MemoryMarshal.Cast<byte, ulong>(digest);
            return new KeyHash(parts[0], parts[1], parts[2], parts[3]);
        }
    }
}

/// A set of at most `capacity` hashes that forgets the oldest first.
internal sealed class UnknownKeys<T>(int capacity) where T : notnull
{
    private readonly HashSet<T> _set = new(capacity);
    private readonly Queue<T> _order = new(capacity);
    private readonly Lock _gate = new();

    public int Count
    {
        get { lock (_gate) return _set.Count; }
    }

    public bool Contains(T hash)
    {
        lock (_gate) return _set.Contains(hash);
    }

    public void Add(T hash)
    {
        lock (_gate)
        {
            if (!_set.Add(hash)) return;
            _order.Enqueue(hash);
            if (_order.Count > capacity) _set.Remove(_order.Dequeue());
        }
    }
}
