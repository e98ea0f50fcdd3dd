using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.Policies;

public sealed class PolicyService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, ProjectLookup lookup)
{
    public async Task<Result<PolicyDto>> GetAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        return PolicyDto.From(project.Policy);
    }

    public async Task<Result<PolicyDto>> UpdateAsync(OrgCaller caller, Guid projectId, PolicyDto input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        if (PolicyValidator.Validate(input) is { } invalid) return invalid;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        var before = PolicyDto.From(project.Policy);
        input.ApplyTo(project.Policy);
        project.UpdatedAt = clock.GetUtcNow();
        var after = PolicyDto.From(project.Policy);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.PolicyUpdated, "project", project.Id.ToString(),
            new { before, after }, caller.OrganizationId), ct);
        return after;
    }
}
