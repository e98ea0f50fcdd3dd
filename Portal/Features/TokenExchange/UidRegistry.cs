using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.IdentityProviders;
using Portal.Data.Tenancy;

namespace Portal.Features.TokenExchange;

/// Keeps uids unique per project: the first identity to be exchanged for a uid holds it (a row in ExchangeSubjects,
/// shared by every replica); another identity that maps to the same uid (a 32-bit hash collision, or two providers
/// numbering users alike) is refused with `uid_collision`. Known pairs are remembered, so a returning identity costs
/// no database visit.
public sealed class UidRegistry(TenantDb tenants, TimeProvider clock)
{
    private const int MaxRemembered = 200_000;
    private readonly ConcurrentDictionary<(Guid Project, long Uid), byte[]> _holders = new();

    /// One database claim per uid at a time on this instance: concurrent first exchanges of one identity share it
    /// (without this they race to insert and all but one fail on the unique index, each logged as a database error).
    private readonly ConcurrentDictionary<(Guid Project, long Uid), Lazy<Task<byte[]>>> _claiming = new();

    public async Task<ServiceError?> ClaimAsync(ProviderSnapshot provider, ExchangeIdentity identity, string claimValue, CancellationToken ct)
    {
        if (identity.Uid is not { } uid) return null; // accounts are unique by themselves
        var project = provider.Issuing.Project;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(provider.Id.ToString("N") + "\n" + claimValue));
        if (_holders.TryGetValue((project.ProjectId, uid), out var known)) return Same(known, hash, uid);
        var key = (project.ProjectId, uid);
        // Shared by its waiters, so no one request's abort may cancel it (a short database visit).
        var claim = _claiming.GetOrAdd(key, k => new Lazy<Task<byte[]>>(() => HolderAsync(project.OrganizationId, k.Project, k.Uid, hash, CancellationToken.None)));
        ct.ThrowIfCancellationRequested();
        byte[] holder;
        try
        {
            holder = await claim.Value;
        }
        finally
        {
            _claiming.TryRemove(KeyValuePair.Create(key, claim));
        }
        if (_holders.Count >= MaxRemembered) _holders.Clear();
        _holders[key] = holder;
        return Same(holder, hash, uid);
    }

    /// The hash of the identity holding the uid, recording `hash` as the holder when there is none yet.
    private async Task<byte[]> HolderAsync(Guid organizationId, Guid projectId, long uid, byte[] hash, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(organizationId, ct);
        var holder = await db.ExchangeSubjects.AsNoTracking().Where(s => s.ProjectId == projectId && s.Uid == uid)
            .Select(s => s.SubjectHash).SingleOrDefaultAsync(ct);
        if (holder is not null) return holder;
        db.ExchangeSubjects.Add(new ExchangeSubject { ProjectId = projectId, Uid = uid, SubjectHash = hash, FirstSeenAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
            return hash;
        }
        catch (DbUpdateException)
        {
            // Another replica took the uid at the same moment: whoever won holds it.
            db.ChangeTracker.Clear();
            return await db.ExchangeSubjects.AsNoTracking().Where(s => s.ProjectId == projectId && s.Uid == uid)
                .Select(s => s.SubjectHash).SingleAsync(ct);
        }
    }

    private static ServiceError? Same(byte[] holder, byte[] hash, long uid) => holder.AsSpan().SequenceEqual(hash) ? null
        : ServiceError.Conflict("uid_collision",
            $"Another identity already holds uid {uid} in this project (two identities map to the same uid): map this provider's identity to an account, or to a numeric uid claim.");
}
