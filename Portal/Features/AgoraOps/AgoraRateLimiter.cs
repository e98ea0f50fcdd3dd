using Microsoft.EntityFrameworkCore;
using Portal.Data.AgoraOps;
using Portal.Data.Tenancy;

namespace Portal.Features.AgoraOps;

/// At most <see cref="PerSecond"/> calls a second per Agora account, counted in the database so that every replica
/// shares the budget: the first call of a second inserts the row (the primary key lets one insert win), later ones
/// increment it only while under the limit (one conditional UPDATE, atomic on SQLite and PostgreSQL alike).
public sealed class AgoraRateLimiter(TenantDb tenants, TimeProvider clock)
{
    public const int PerSecond = 10;

    /// True when the call may go now; false when this second's budget is spent (try again in a second).
    public async Task<bool> TryAcquireAsync(Guid accountId, CancellationToken ct)
    {
        var second = clock.GetUtcNow().ToUnixTimeSeconds();
        await using var db = await tenants.GlobalAsync(ct);
        if (await IncrementAsync(db, accountId, second, ct)) return true;
        if (await db.AgoraCallWindows.AnyAsync(w => w.AgoraAccountId == accountId && w.Second == second, ct)) return false;
        db.AgoraCallWindows.Add(new AgoraCallWindow { AgoraAccountId = accountId, Second = second, Calls = 1 });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await IncrementAsync(db, accountId, second, ct); // another replica inserted this second first
        }
    }

    private static async Task<bool> IncrementAsync(Data.PortalDbContext db, Guid accountId, long second, CancellationToken ct) =>
        await db.AgoraCallWindows.Where(w => w.AgoraAccountId == accountId && w.Second == second && w.Calls < PerSecond)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Calls, w => w.Calls + 1), ct) == 1;
}
