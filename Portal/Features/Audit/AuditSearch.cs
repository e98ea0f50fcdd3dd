using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Organizations;

namespace Portal.Features.Audit;

/// Whose events a reader may see: one organization's, or (platform admins) every event including those of no organization.
/// Either scope keeps who asked, and every read checks again that they still may (an open page outlives a membership
/// or the platform role): an organization's caller must still be a member, a platform reader still a platform admin.
public sealed record AuditScope(Guid? OrganizationId, AuditActor Actor, OrgCaller? Caller = null, string? PlatformUserId = null)
{
    public bool IsPlatform => OrganizationId is null;

    public static AuditScope For(OrgCaller caller) => new(caller.OrganizationId, caller.Actor, caller);
}

public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, string? NextCursor);

/// The read side of the audit log for the page, the API and the exports. Newest first, keyset-paged on Sequence,
/// so a page costs the same on the millionth event as on the first. Nothing here writes or deletes events.
public sealed class AuditSearch(TenantDb tenants, OrganizationAccess access)
{
    /// Up to this many matches are counted for the page's pager; beyond it the page says "more than".
    public const int CountCap = 10_000;

    /// The platform-wide scope for a platform admin, checked against the database (a cookie's role claim is as old as
    /// the sign-in); anyone else is refused.
    public async Task<Result<AuditScope>> PlatformScopeAsync(ClaimsPrincipal user, AuditActor actor, CancellationToken ct) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId && await access.IsPlatformAdminAsync(userId, ct)
            ? new AuditScope(null, actor, PlatformUserId: userId)
            : ServiceError.Forbidden("platform_admin_required", "Only a platform administrator can read the platform-wide audit log.");

    /// One page through the API: `filter.Limit` events older than `filter.Before`, and the cursor for the next page.
    public async Task<AuditPage> PageAsync(AuditScope scope, AuditFilter filter, CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        var rows = await (await QueryAsync(db, scope, filter, ct)).Take(filter.Limit + 1).ToListAsync(ct);
        var more = rows.Count > filter.Limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new AuditPage(rows, more ? rows[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// A page by number for the grid, and whether another follows. The count is separate (<see cref="CountAsync"/>):
    /// counting a sparse filter walks the whole organization, and the first page should not wait for it.
    public async Task<(IReadOnlyList<AuditEvent> Items, bool More)> GridPageAsync(AuditScope scope, AuditFilter filter, int page, int pageSize, CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        var items = await (await QueryAsync(db, scope, filter, ct)).Skip(page * pageSize).Take(pageSize + 1).ToListAsync(ct);
        var more = items.Count > pageSize;
        if (more) items.RemoveAt(items.Count - 1);
        return (items, more);
    }

    /// The number of matches, counted up to <see cref="CountCap"/> + 1.
    public async Task<int> CountAsync(AuditScope scope, AuditFilter filter, CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        return await (await QueryAsync(db, scope, filter, ct)).Select(e => e.Id).Take(CountCap + 1).CountAsync(ct);
    }

    /// Every matching event, newest first, read from the database as it is consumed (never held as a list).
    public async IAsyncEnumerable<AuditEvent> StreamAsync(AuditScope scope, AuditFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        await foreach (var e in (await QueryAsync(db, scope, filter, ct)).AsAsyncEnumerable().WithCancellation(ct))
            yield return e;
    }

    /// The predecessor in the chain of the event numbered <paramref name="sequence"/> (for the detail drawer, which already
    /// holds that event from a scoped page); null when it was deleted. It may belong to another organization: only its
    /// hash is shown then (it is what this event links to).
    public async Task<AuditEvent?> PreviousAsync(long sequence, CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        return await db.AuditEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Sequence == sequence - 1, ct);
    }

    /// The newest sequence number now, so an export can be a consistent snapshot that excludes its own audit event.
    public async Task<long> TailAsync(CancellationToken ct)
    {
        await using var db = await tenants.GlobalAsync(ct);
        return await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
    }

    /// The filter as SQL, shaped so SQLite walks an index newest first and stops after a page (see docs/performance.md, audit scale figures):
    /// a time range also becomes a Sequence range, and an area is matched as `Type / 100` rather than a range on Type, since
    /// without planner statistics SQLite would otherwise use a range index and sort every match of the organization.
    internal async Task<IQueryable<AuditEvent>> QueryAsync(PortalDbContext db, AuditScope scope, AuditFilter f, CancellationToken ct)
    {
        var q = db.AuditEvents.AsNoTracking();
        if (scope.Caller is { } caller && await access.CheckAsync(caller, OrgNeed.Member, ct) is not null)
            return q.Where(_ => false); // no longer a member: as if there were no events
        if (scope.IsPlatform && (scope.PlatformUserId is not { } reader || !await access.IsPlatformAdminAsync(reader, ct)))
            return q.Where(_ => false); // no longer a platform admin, likewise
        if (scope.OrganizationId is { } org) q = q.Where(e => e.OrganizationId == org);
        if (f.Before is { } before) q = q.Where(e => e.Sequence < before);
        if (f.From is { } from)
        {
            var first = await FirstSequenceAsync(db, e => e.OccurredAt >= from, ct);
            q = q.Where(e => e.Sequence >= first && e.OccurredAt >= from);
        }
        if (f.To is { } to)
        {
            var after = await FirstSequenceAsync(db, e => e.OccurredAt > to, ct);
            q = q.Where(e => e.Sequence < after && e.OccurredAt <= to);
        }
        if (f.Types is { Count: > 0 } types) q = q.Where(e => types.Contains(e.Type));
        if (f.Area is { } key && AuditAreas.Find(key) is { } area)
        {
            var block = area.First / 100;
            q = q.Where(e => (int)e.Type / 100 == block);
        }
        if (f.Actor is { } actor) q = q.Where(e => e.ActorId == actor || e.ActorName == actor);
        if (f.ProjectId is { } projectId)
        {
            // Project events target the project; certificate, policy and key events name it in their details.
            var id = projectId.ToString();
            var named = $"\"projectId\":\"{id}\"";
            q = q.Where(e => (e.TargetType == "project" && e.TargetId == id) || e.Details.Contains(named));
        }
        if (f.Outcome != AuditOutcome.Any)
        {
            var succeeded = f.Outcome == AuditOutcome.Succeeded;
            q = q.Where(e => e.Succeeded == succeeded);
        }
        if (f.Text is { Length: > 0 } text)
        {
            // LIKE is case-insensitive for ASCII in SQLite; the user's % and _ are literal.
            // Details are stored as the serializer wrote them, with non-ASCII escaped ("…" as \u2026): search both spellings.
            var pattern = Like(text);
            var escaped = Like(System.Text.Json.JsonSerializer.Serialize(text)[1..^1]);
            // PostgreSQL's LIKE is case-sensitive: ILIKE gives it SQLite's behaviour.
            q = db.Database.IsNpgsql()
                ? q.Where(e => EF.Functions.ILike(e.Details, pattern, "\\") || EF.Functions.ILike(e.Details, escaped, "\\")
                               || EF.Functions.ILike(e.TargetId!, pattern, "\\"))
                : q.Where(e => EF.Functions.Like(e.Details, pattern, "\\") || EF.Functions.Like(e.Details, escaped, "\\")
                               || EF.Functions.Like(e.TargetId, pattern, "\\"));
        }
        return q.OrderByDescending(e => e.Sequence);
    }

    /// Binary search over Sequence (its unique index) for the first event at or after a time: events are appended in time
    /// order by one writer, so Sequence order is time order. (Several instances with skewed clocks could move an event by
    /// that skew across a boundary; the OccurredAt condition kept next to the Sequence bound keeps results exact otherwise.)
    private static async Task<long> FirstSequenceAsync(PortalDbContext db, System.Linq.Expressions.Expression<Func<AuditEvent, bool>> reached, CancellationToken ct)
    {
        var test = reached.Compile();
        long lo = 1, hi = (await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0) + 1;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            var row = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence >= mid).OrderBy(e => e.Sequence)
                .Select(e => new AuditEvent { Sequence = e.Sequence, OccurredAt = e.OccurredAt, PreviousHash = "", Hash = "" }).FirstOrDefaultAsync(ct);
            if (row is null || test(row)) hi = mid;
            else lo = row.Sequence + 1;
        }
        return lo;
    }

    private static string Like(string text) => "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
