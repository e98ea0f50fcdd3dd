using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Tokens;

namespace Portal.Features.Projects;

/// Projects of one organization, shared by the Projects pages and the management API.
public sealed class ProjectService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, ProjectLookup lookup)
{
    public const int MaxPageSize = 200;

    /// The list and the detail show the same columns, read in one query (the Active fingerprint as a subquery).
    private static readonly Expression<Func<Project, ProjectDto>> ToDto = p => new ProjectDto(
        p.Id, p.OrganizationId, p.Name, p.AppId, p.Status, p.CreatedAt, p.UpdatedAt,
        p.Certificates.Where(c => c.State == CertificateState.Active).Select(c => c.Fingerprint).FirstOrDefault(), p.RotationDueSince);

    public async Task<PageOf<ProjectDto>> ListAsync(OrgCaller caller, ProjectQuery query, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return new PageOf<ProjectDto>([], 1, query.PageSize, 0);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(1, query.Page);
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var projects = db.Projects.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim();
            projects = projects.Where(p => p.Name.Contains(term) || p.AppId.Contains(term));
        }
        var total = await projects.CountAsync(ct);
        projects = (query.Sort, query.Descending) switch
        {
            (ProjectSort.CreatedAt, false) => projects.OrderBy(p => p.CreatedAt),
            (ProjectSort.CreatedAt, true) => projects.OrderByDescending(p => p.CreatedAt),
            (ProjectSort.AppId, false) => projects.OrderBy(p => p.AppId),
            (ProjectSort.AppId, true) => projects.OrderByDescending(p => p.AppId),
            (ProjectSort.Status, false) => projects.OrderBy(p => p.Status).ThenBy(p => p.Name),
            (ProjectSort.Status, true) => projects.OrderByDescending(p => p.Status).ThenBy(p => p.Name),
            (_, true) => projects.OrderByDescending(p => p.Name),
            _ => projects.OrderBy(p => p.Name),
        };
        var items = await projects.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(ToDto)
            .ToListAsync(ct);
        return new PageOf<ProjectDto>(items, page, pageSize, total);
    }

    public async Task<Result<ProjectDto>> GetAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var dto = await db.Projects.AsNoTracking().Where(p => p.Id == projectId)
            .Select(ToDto)
            .SingleOrDefaultAsync(ct);
        return dto is null ? await lookup.NotFoundAsync(caller, projectId, ct) : dto;
    }

    public async Task<Result<ProjectDto>> CreateAsync(OrgCaller caller, CreateProject input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        var name = input.Name?.Trim() ?? "";
        if (ValidateName(name) is { } nameError) return nameError;
        var appId = input.AppId?.Trim() ?? "";
        if (TokenInputRules.ValidateAppId(appId) is not null)
            return ServiceError.Validation("app_id_invalid", "The App ID must be exactly 32 hexadecimal characters, as shown in Agora Console.", "appId");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (await db.Projects.AnyAsync(p => p.AppId == appId, ct))
            return ServiceError.Conflict("app_id_taken", "Another project of this organization already uses this App ID.");
        var now = clock.GetUtcNow();
        var project = new Project { Id = Guid.NewGuid(), Name = name, AppId = appId, CreatedAt = now, UpdatedAt = now };
        db.Projects.Add(project);
        try
        {
            await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.ProjectCreated, "project", project.Id.ToString(),
                new { name, appId }, caller.OrganizationId), ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a concurrent create of the same App ID (the unique index decided).
            return ServiceError.Conflict("app_id_taken", "Another project of this organization already uses this App ID.");
        }
        return new ProjectDto(project.Id, project.OrganizationId, name, appId, project.Status, now, now, null);
    }

    public async Task<Result<ProjectDto>> UpdateAsync(OrgCaller caller, Guid projectId, UpdateProject input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        var name = input.Name?.Trim();
        if (name is not null && ValidateName(name) is { } nameError) return nameError;
        if (input.Status is { } status && !Enum.IsDefined(status))
            return ServiceError.Validation("status_invalid", "The status must be Active or Disabled.", "status");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        var before = new { project.Name, Status = project.Status.ToString() };
        project.Name = name ?? project.Name;
        project.Status = input.Status ?? project.Status;
        project.UpdatedAt = clock.GetUtcNow();
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.ProjectUpdated, "project", project.Id.ToString(),
            new { before, after = new { project.Name, Status = project.Status.ToString() } }, caller.OrganizationId), ct);
        return await GetAsync(caller, projectId, ct);
    }

    /// Owners only. The project's audit events stay: they are not linked to the row.
    public async Task<ServiceError?> DeleteAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Owner, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await db.Projects.Include(p => p.Certificates).SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        db.Projects.Remove(project);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.ProjectDeleted, "project", project.Id.ToString(),
            new { project.Name, project.AppId, certificates = project.Certificates.Count }, caller.OrganizationId), ct);
        return null;
    }

    private static ServiceError? ValidateName(string name) => name.Length is 0 or > 100
        ? ServiceError.Validation("name_invalid", "The project name must be 1 to 100 characters.", "name")
        : null;
}

/// "Not found" for a project id, auditing it when the id belongs to another organization.
public sealed class ProjectLookup(TenantDb tenants, OrganizationAccess access)
{
    public async Task<ServiceError> NotFoundAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("detecting cross-organization probes", ct);
        var owner = await db.Projects.AsNoTracking().Where(p => p.Id == projectId).Select(p => (Guid?)p.OrganizationId).SingleOrDefaultAsync(ct);
        if (owner is { } victim && victim != caller.OrganizationId)
            await access.RefuseAsync(caller.Actor, victim, ct, $"project:{projectId}");
        return ServiceError.NotFound("project");
    }

    public async Task<Project?> FindTrackedAsync(PortalDbContext db, Guid projectId, CancellationToken ct) =>
        await db.Projects.Include(p => p.Certificates).SingleOrDefaultAsync(p => p.Id == projectId, ct);
}
