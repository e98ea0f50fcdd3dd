using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Data.IdentityProviders;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.TokenExchange;

/// The identity providers a project trusts, for the Sign-in tab and the management API. Members read; Owners and
/// Admins write; every change is audited and reaches every replica through the cache stamp.
public sealed class IdentityProviderService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, ProjectLookup lookup,
    IOptions<TokenExchangeOptions> options)
{
    public const int MaxProvidersPerProject = 20;

    public async Task<Result<IReadOnlyList<IdentityProviderDto>>> ListAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await lookup.NotFoundAsync(caller, projectId, ct);
        var rows = await db.IdentityProviders.AsNoTracking().Where(p => p.ProjectId == projectId).ToListAsync(ct);
        return rows.OrderBy(p => p.CreatedAt).Select(IdentityProviderDto.From).ToList();
    }

    public async Task<Result<IdentityProviderDto>> GetAsync(OrgCaller caller, Guid projectId, Guid providerId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var row = await db.IdentityProviders.AsNoTracking().SingleOrDefaultAsync(p => p.Id == providerId && p.ProjectId == projectId, ct);
        if (row is null) return await NotFoundAsync(caller, projectId, ct);
        return IdentityProviderDto.From(row);
    }

    public async Task<Result<IdentityProviderDto>> CreateAsync(OrgCaller caller, Guid projectId, IdentityProviderInput input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await lookup.NotFoundAsync(caller, projectId, ct);
        var row = new IdentityProvider { Name = "", Issuer = "" };
        if (IdentityProviderValidator.Apply(input, row, options.Value.AllowPrivateNetworks) is { } invalid) return invalid;
        if (await db.IdentityProviders.CountAsync(p => p.ProjectId == projectId, ct) >= MaxProvidersPerProject)
            return ServiceError.Conflict("identity_providers_limit", $"A project trusts at most {MaxProvidersPerProject} identity providers.");
        if (await db.IdentityProviders.AnyAsync(p => p.ProjectId == projectId && p.Issuer == row.Issuer, ct))
            return ServiceError.Conflict("issuer_exists", "This project already trusts this issuer: edit that provider instead.");
        row.Id = Guid.NewGuid();
        row.ProjectId = projectId;
        row.CreatedAt = row.UpdatedAt = clock.GetUtcNow();
        db.IdentityProviders.Add(row);
        var dto = IdentityProviderDto.From(row);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.IdentityProviderCreated, "identity_provider", row.Id.ToString(),
            Summary(dto), caller.OrganizationId), ct);
        return dto;
    }

    public async Task<Result<IdentityProviderDto>> UpdateAsync(OrgCaller caller, Guid projectId, Guid providerId, IdentityProviderInput input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var row = await db.IdentityProviders.SingleOrDefaultAsync(p => p.Id == providerId && p.ProjectId == projectId, ct);
        if (row is null) return await NotFoundAsync(caller, projectId, ct);
        var before = Summary(IdentityProviderDto.From(row));
        if (IdentityProviderValidator.Apply(input, row, options.Value.AllowPrivateNetworks) is { } invalid) return invalid;
        if (await db.IdentityProviders.AnyAsync(p => p.ProjectId == projectId && p.Issuer == row.Issuer && p.Id != providerId, ct))
            return ServiceError.Conflict("issuer_exists", "This project already trusts this issuer in another provider.");
        row.UpdatedAt = clock.GetUtcNow();
        var dto = IdentityProviderDto.From(row);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.IdentityProviderChanged, "identity_provider", row.Id.ToString(),
            new { before, after = Summary(dto) }, caller.OrganizationId), ct);
        return dto;
    }

    /// Takes effect on every instance within the cache poll interval (about a second).
    public async Task<ServiceError?> RemoveAsync(OrgCaller caller, Guid projectId, Guid providerId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var row = await db.IdentityProviders.SingleOrDefaultAsync(p => p.Id == providerId && p.ProjectId == projectId, ct);
        if (row is null) return await NotFoundAsync(caller, projectId, ct);
        db.IdentityProviders.Remove(row);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.IdentityProviderRemoved, "identity_provider", row.Id.ToString(),
            new { projectId, row.Name, row.Issuer }, caller.OrganizationId), ct);
        return null;
    }

    /// The Try-it panel: which rule would match sample claims and the grant that would be issued (nothing is issued).
    public async Task<Result<PreviewResult>> PreviewAsync(OrgCaller caller, Guid projectId, Guid providerId, PreviewInput input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var row = await db.IdentityProviders.AsNoTracking().SingleOrDefaultAsync(p => p.Id == providerId && p.ProjectId == projectId, ct);
        if (row is null) return await NotFoundAsync(caller, projectId, ct);
        var policy = await db.Projects.AsNoTracking().Where(p => p.Id == projectId).Select(p => p.Policy).SingleAsync(ct);
        return ExchangePreview.Run(IdentityProviderDto.From(row), policy, input);
    }

    /// A missing provider, or one of a project the caller cannot see, answers exactly like a missing id.
    private async Task<ServiceError> NotFoundAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        await lookup.NotFoundAsync(caller, projectId, ct); // audits a probe of another organization's project
        return ServiceError.NotFound("identity provider");
    }

    private static object Summary(IdentityProviderDto p) => new
    {
        p.ProjectId,
        p.Name,
        p.Issuer,
        p.Audiences,
        p.KeySource,
        p.JwksUrl,
        p.Algorithms,
        p.ClockSkewSeconds,
        p.MaxTokenAgeSeconds,
        p.IdentityMapping,
        p.IdentityClaim,
        requiredClaims = p.RequiredClaims.Count,
        rules = p.Rules.Count,
        p.RateLimitPerSubjectPerMinute,
        p.AllowedOrigins,
        p.Enabled,
    };
}
