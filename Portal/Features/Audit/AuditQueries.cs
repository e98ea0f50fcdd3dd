using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Organizations;

namespace Portal.Features.Audit;

public sealed record AuditEventRow(long Sequence, DateTimeOffset OccurredAt, AuditEventType Type, AuditActorType ActorType,
    string? ActorName, string? TargetType, string? TargetId, bool Succeeded, string Details);

/// Read side of the audit log for pages. Always scoped to the caller's organization.
public sealed class AuditQueries(TenantDb tenants)
{
    /// The latest events about one project: the project itself, and its certificates and policy (whose details name it).
    public async Task<IReadOnlyList<AuditEventRow>> ForProjectAsync(OrgCaller caller, Guid projectId, int take, CancellationToken ct)
    {
        var id = projectId.ToString();
        await using var db = await tenants.GlobalAsync(ct);
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == caller.OrganizationId && (e.TargetId == id || e.Details.Contains(id)))
            .OrderByDescending(e => e.Sequence)
            .Take(Math.Clamp(take, 1, 200))
            .Select(e => new AuditEventRow(e.Sequence, e.OccurredAt, e.Type, e.ActorType, e.ActorName, e.TargetType, e.TargetId, e.Succeeded, e.Details))
            .ToListAsync(ct);
    }
}
