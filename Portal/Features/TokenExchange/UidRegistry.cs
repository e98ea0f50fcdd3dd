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

    public async Task<ServiceError?> ClaimAsync(ProviderSnapshot provider, ExchangeIdentity identity, string claimValue, CancellationToken ct)
    {
        if (identity.Uid is not { } uid) return null; // accounts are unique by themselves
        var project = provider.Issuing.Project;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(provider.Id.ToString("N") + "\n" + claimValue));
        if (_holders.TryGetValue((project.ProjectId, uid), out var known)) return Same(known, hash, uid);

        await using var db = await tenants.ForOrganizationAsync(project.OrganizationId, ct);
        var holder = await db.ExchangeSubjects.AsNoTracking().Where(s => s.ProjectId == project.ProjectId && s.Uid == uid)
            .Select(s => s.SubjectHash).SingleOrDefaultAsync(ct);
        if (holder is null)
        {
            db.ExchangeSubjects.Add(new ExchangeSubject { ProjectId = project.ProjectId, Uid = uid, SubjectHash = hash, FirstSeenAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
                holder = hash;
            }
            catch (DbUpdateException)
            {
                // Another replica or request took the uid at the same moment: whoever won holds it.
                db.ChangeTracker.Clear();
                holder = await db.ExchangeSubjects.AsNoTracking().Where(s => s.ProjectId == project.ProjectId && s.Uid == uid)
                    .Select(s => s.SubjectHash).SingleAsync(ct);
            }
        }
        if (_holders.Count >= MaxRemembered) _holders.Clear();
        _holders[(project.ProjectId, uid)] = holder;
        return Same(holder, hash, uid);
    }

    private static ServiceError? Same(byte[] holder, byte[] hash, long uid) => holder.AsSpan().SequenceEqual(hash) ? null
        : ServiceError.Conflict("uid_collision",
            $"Another identity already holds uid {uid} in this project (two identities map to the same uid): map this provider's identity to an account, or to a numeric uid claim.");
}
