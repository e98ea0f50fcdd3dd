using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.AgoraOps;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Certificates;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.AgoraOps;

/// An organization's Agora accounts (RESTful API credentials) and which one each project uses. Owners and Admins
/// add, test, reveal (after re-authentication) and remove; every member sees fingerprints. All audited.
public sealed partial class AgoraAccountService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock,
    AgoraSecrets secrets, Reauthentication reauth, AgoraRestClient agora, ProjectLookup projects)
{
    public async Task<Result<IReadOnlyList<AgoraAccountDto>>> ListAsync(OrgCaller caller, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var rows = await db.AgoraAccounts.AsNoTracking().OrderBy(a => a.Name)
            .Select(a => new { a, Linked = db.ProjectAgoraLinks.Count(l => l.AgoraAccountId == a.Id) }).ToListAsync(ct);
        return rows.Select(r => Dto(r.a, r.Linked)).ToList();
    }

    public async Task<Result<AgoraAccountDto>> AddAsync(OrgCaller caller, AddAgoraAccount input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        var name = input.Name?.Trim() ?? "";
        var customerId = input.CustomerId?.Trim() ?? "";
        var secret = input.CustomerSecret?.Trim() ?? "";
        if (name.Length is 0 or > 100) return ServiceError.Validation("name_invalid", "Give the account a name of 1 to 100 characters.", "name");
        if (!CustomerIdPattern().IsMatch(customerId))
            return ServiceError.Validation("customer_id_invalid", "The Customer ID is 1 to 64 letters and digits, as shown in Agora Console → RESTful API.", "customerId");
        if (!SecretPattern().IsMatch(secret))
            return ServiceError.Validation("customer_secret_invalid", "The Customer Secret is 8 to 128 characters without spaces, as downloaded from Agora Console → RESTful API.", "customerSecret");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (await db.AgoraAccounts.AnyAsync(a => a.Name == name, ct))
            return ServiceError.Conflict("name_taken", "An Agora account with this name already exists in this organization.");
        var account = new AgoraAccount
        {
            Id = Guid.NewGuid(),
            OrganizationId = caller.OrganizationId,
            Name = name,
            CustomerId = customerId,
            ProtectedSecret = secrets.Protect(secret),
            SecretFingerprint = AgoraSecrets.Fingerprint(secret),
            CreatedAt = clock.GetUtcNow(),
        };
        db.AgoraAccounts.Add(account);
        await SaveWithAuditAsync(db, caller, new AuditEntry(AuditEventType.AgoraAccountAdded, "agora_account", account.Id.ToString(),
            new { account.Name, account.CustomerId, fingerprint = account.SecretFingerprint }, caller.OrganizationId), ct);
        return Dto(account, 0);
    }

    public async Task<Result<bool>> RemoveAsync(OrgCaller caller, Guid accountId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var account = await db.AgoraAccounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null) return ServiceError.NotFound("Agora account");
        var unlinked = await db.ProjectAgoraLinks.CountAsync(l => l.AgoraAccountId == accountId, ct);
        db.AgoraAccounts.Remove(account);
        await SaveWithAuditAsync(db, caller, new AuditEntry(AuditEventType.AgoraAccountRemoved, "agora_account", account.Id.ToString(),
            new { account.Name, account.CustomerId, fingerprint = account.SecretFingerprint, unlinkedProjects = unlinked }, caller.OrganizationId), ct);
        return true;
    }

    /// Owners and Admins, after re-entering their password or a 2FA code (remembered for 5 minutes). Audited.
    public async Task<Result<RevealedAgoraSecret>> RevealAsync(OrgCaller caller, Guid accountId, RevealAgoraSecret proof, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var account = await db.AgoraAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null) return ServiceError.NotFound("Agora account");
        if (await reauth.CheckAsync(caller.UserId, caller.Session, proof.Password, proof.Otp, ct) is { } reauthError) return reauthError;
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.AgoraAccountRevealed, "agora_account", account.Id.ToString(),
            new { account.CustomerId, fingerprint = account.SecretFingerprint }, caller.OrganizationId), ct);
        return new RevealedAgoraSecret(account.Id, account.CustomerId, secrets.Unprotect(account.ProtectedSecret));
    }

    /// `GET /dev/v1/projects` with the stored credentials; the outcome is kept on the account and audited.
    public async Task<Result<AgoraConnectionTest>> TestAsync(OrgCaller caller, Guid accountId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var account = await db.AgoraAccounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null) return ServiceError.NotFound("Agora account");
        var answer = await agora.GetProjectsAsync(Credentials(account), ct);
        int? count = answer.Ok && answer.Body.TryGetProperty("projects", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array
            ? list.GetArrayLength() : null;
        var result = answer.Ok
            ? new AgoraConnectionTest(true, $"Connected: Agora lists {count ?? 0} project(s) for this account.", answer.Status, count)
            : new AgoraConnectionTest(false, answer.Error ?? "Agora's answer could not be read.", answer.Status, null);
        account.LastTestedAt = clock.GetUtcNow();
        account.LastTestResult = result.Ok ? "ok" : result.Message[..Math.Min(result.Message.Length, 300)];
        await SaveWithAuditAsync(db, caller, new AuditEntry(AuditEventType.AgoraAccountTested, "agora_account", account.Id.ToString(),
            new { account.CustomerId, ok = result.Ok, agoraStatus = result.AgoraStatus, message = result.Message }, caller.OrganizationId, result.Ok), ct);
        return result;
    }

    public async Task<Result<ProjectAgoraLinkDto>> GetLinkAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        return await LinkDtoAsync(db, projectId, ct);
    }

    /// Links the project to one of the organization's accounts (null unlinks).
    public async Task<Result<ProjectAgoraLinkDto>> LinkAsync(OrgCaller caller, Guid projectId, LinkAgoraAccount input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        // Another organization's account id is as unknown as a made-up one (the tenant filter hides it).
        if (input.AgoraAccountId is { } id && !await db.AgoraAccounts.AnyAsync(a => a.Id == id, ct))
            return ServiceError.Validation("agora_account_unknown", "There is no Agora account with this id in this organization.", "agoraAccountId");
        var link = await db.ProjectAgoraLinks.SingleOrDefaultAsync(l => l.ProjectId == projectId, ct);
        if (input.AgoraAccountId is null) { if (link is not null) db.ProjectAgoraLinks.Remove(link); }
        else if (link is null)
            db.ProjectAgoraLinks.Add(new ProjectAgoraLink { ProjectId = projectId, OrganizationId = caller.OrganizationId, AgoraAccountId = input.AgoraAccountId.Value, LinkedAt = clock.GetUtcNow() });
        else { link.AgoraAccountId = input.AgoraAccountId.Value; link.LinkedAt = clock.GetUtcNow(); }
        await SaveWithAuditAsync(db, caller, new AuditEntry(AuditEventType.ProjectAgoraAccountLinked, "project", projectId.ToString(),
            new { projectId, agoraAccountId = input.AgoraAccountId }, caller.OrganizationId), ct);
        return await LinkDtoAsync(db, projectId, ct);
    }

    /// The App ID and credentials a project's REST calls use, or the refusal to say what to do first.
    internal async Task<Result<(string AppId, AgoraCredentials Credentials)>> ForProjectAsync(PortalDbContext db, Guid projectId, CancellationToken ct)
    {
        var target = await AccountForProjectAsync(db, projectId, ct);
        return target.Ok ? (target.Value.AppId, target.Value.Credentials) : target.Error;
    }

    /// <see cref="ForProjectAsync"/> with the account's id (the rate limiter counts per account).
    internal async Task<Result<(string AppId, AgoraCredentials Credentials, Guid AccountId)>> AccountForProjectAsync(PortalDbContext db, Guid projectId, CancellationToken ct)
    {
        var row = await (from p in db.Projects.AsNoTracking()
                         where p.Id == projectId
                         join l in db.ProjectAgoraLinks.AsNoTracking() on p.Id equals l.ProjectId into links
                         from l in links.DefaultIfEmpty()
                         join a in db.AgoraAccounts.AsNoTracking() on l.AgoraAccountId equals a.Id into accounts
                         from a in accounts.DefaultIfEmpty()
                         select new { p.AppId, Account = a }).SingleOrDefaultAsync(ct);
        if (row is null) return ServiceError.NotFound("project");
        if (row.Account is null)
            return ServiceError.Conflict("agora_account_not_linked", "Link this project to an Agora account first (organization settings → Agora accounts, then the project's Channels tab).");
        return (row.AppId, Credentials(row.Account), row.Account.Id);
    }

    private AgoraCredentials Credentials(AgoraAccount account) => new(account.CustomerId, secrets.Unprotect(account.ProtectedSecret));

    private static async Task<ProjectAgoraLinkDto> LinkDtoAsync(PortalDbContext db, Guid projectId, CancellationToken ct)
    {
        var linked = await (from l in db.ProjectAgoraLinks.AsNoTracking()
                            where l.ProjectId == projectId
                            join a in db.AgoraAccounts.AsNoTracking() on l.AgoraAccountId equals a.Id
                            select new { a.Id, a.Name, a.CustomerId }).SingleOrDefaultAsync(ct);
        return new ProjectAgoraLinkDto(projectId, linked?.Id, linked?.Name, linked?.CustomerId);
    }

    private async Task SaveWithAuditAsync(PortalDbContext db, OrgCaller caller, AuditEntry entry, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.SaveAsync(db, caller.Actor, entry, ct);
        await tx.CommitAsync(ct);
    }

    private static AgoraAccountDto Dto(AgoraAccount a, int linked) =>
        new(a.Id, a.Name, a.CustomerId, a.SecretFingerprint, a.CreatedAt, a.LastTestedAt, a.LastTestResult, linked);

    [GeneratedRegex("^[A-Za-z0-9]{1,64}$")]
    private static partial Regex CustomerIdPattern();

    [GeneratedRegex(@"^[\x21-\x7E]{8,128}$")]
    private static partial Regex SecretPattern();
}
