using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;
using Portal.Tokens;

namespace Portal.Features.Certificates;

/// The certificate ring of one project: Staged → Active → Previous (until its grace time) → Retired.
/// Every change bumps the project's RingVersion, so of two concurrent changes one commits and the other
/// gets 409; a filtered unique index also keeps the database from ever holding two Active certificates.
public sealed class CertificateService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, ProjectLookup lookup,
    CertificateSecrets secrets, Reauthentication reauth)
{
    public async Task<Result<IReadOnlyList<CertificateDto>>> ListAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await db.Projects.AsNoTracking().Include(p => p.Certificates).SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        return project.Certificates.OrderByDescending(c => c.CreatedAt).Select(CertificateDto.From).ToList();
    }

    /// <param name="ifRingVersion">Only if the ring is still at this version (the job's decision was based on it).</param>
    public Task<Result<CertificateDto>> AddAsync(OrgCaller caller, Guid projectId, AddCertificate input, CancellationToken ct,
        int? ifRingVersion = null)
    {
        var imported = input.Certificate is not null;
        var certificate = input.Certificate?.Trim() ?? CertificateSecrets.Generate();
        if (imported && TokenInputRules.ValidateCertificate(certificate) is not null)
            return Task.FromResult<Result<CertificateDto>>(ServiceError.Validation("certificate_invalid",
                "The App Certificate must be exactly 32 hexadecimal characters, as shown in Agora Console.", "certificate"));
        var activation = input.Activation ?? Activation.Staged;
        var now = clock.GetUtcNow();
        if (activation == Activation.Staged && input.EffectiveAt is { } at && at <= now)
            return Task.FromResult<Result<CertificateDto>>(ServiceError.Validation("effective_at_in_past",
                "The effective time must be in the future; use activation \"now\" to activate at once.", "effectiveAt"));

        return ChangeRingAsync(caller, projectId, ifRingVersion, ct, (db, project) =>
        {
            if (project.Certificates.Any(c => c.ProtectedSecret is not null && secrets.Unprotect(c.ProtectedSecret) == certificate))
                return ServiceError.Conflict("certificate_duplicate", "This certificate is already in the project's ring.");
            var entry = new ProjectCertificate
            {
                Id = Guid.NewGuid(),
                ProjectId = project.Id,
                OrganizationId = project.OrganizationId,
                State = CertificateState.Staged,
                Source = imported ? CertificateSource.Imported : CertificateSource.Generated,
                ProtectedSecret = secrets.Protect(certificate),
                Fingerprint = CertificateSecrets.Fingerprint(certificate),
                CreatedAt = now,
                EffectiveAt = activation == Activation.Now ? now : input.EffectiveAt,
            };
            project.Certificates.Add(entry);
            db.ProjectCertificates.Add(entry);
            var events = new List<AuditEntry>
            {
                new(imported ? AuditEventType.CertificateImported : AuditEventType.CertificateGenerated, "certificate", entry.Id.ToString(),
                    new { projectId = project.Id, entry.Fingerprint, activation = activation.ToString(), entry.EffectiveAt }, project.OrganizationId),
            };
            if (activation == Activation.Now) events.Add(Promote(project, entry, now));
            return (entry, events);
        });
    }

    public Task<Result<CertificateDto>> PromoteAsync(OrgCaller caller, Guid projectId, Guid certificateId, CancellationToken ct,
        int? ifRingVersion = null) =>
        ChangeRingAsync(caller, projectId, ifRingVersion, ct, (_, project) =>
        {
            var target = project.Certificates.SingleOrDefault(c => c.Id == certificateId);
            if (target is null) return ServiceError.NotFound("certificate");
            if (target.State != CertificateState.Staged)
                return ServiceError.Conflict("certificate_not_staged", $"Only a staged certificate can be promoted; this one is {target.State}.");
            return (target, [Promote(project, target, clock.GetUtcNow())]);
        });

    /// Generate a new certificate and make it Active in one step; the old one stays valid for its grace time.
    public Task<Result<CertificateDto>> RotateAsync(OrgCaller caller, Guid projectId, CancellationToken ct, int? ifRingVersion = null) =>
        AddAsync(caller, projectId, new AddCertificate(null, Activation.Now, null), ct, ifRingVersion);

    /// Wipes the secret and keeps the metadata. Retiring the Active certificate stops token issuance.
    public Task<Result<CertificateDto>> RetireAsync(OrgCaller caller, Guid projectId, Guid certificateId, CancellationToken ct,
        int? ifRingVersion = null) =>
        ChangeRingAsync(caller, projectId, ifRingVersion, ct, (_, project) =>
        {
            var target = project.Certificates.SingleOrDefault(c => c.Id == certificateId);
            if (target is null) return ServiceError.NotFound("certificate");
            if (target.State == CertificateState.Retired)
                return ServiceError.Conflict("certificate_retired", "This certificate is already retired.");
            var wasActive = target.State == CertificateState.Active;
            Retire(target, clock.GetUtcNow());
            return (target, [new AuditEntry(AuditEventType.CertificateRetired, "certificate", target.Id.ToString(),
                new { projectId = project.Id, target.Fingerprint, wasActive }, project.OrganizationId)]);
        });

    /// Owners and Admins, after re-entering their password or a 2FA code (remembered for 5 minutes). Audited.
    public async Task<Result<RevealedCertificate>> RevealAsync(OrgCaller caller, Guid projectId, Guid certificateId,
        RevealCertificate proof, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        if (await reauth.CheckAsync(caller.UserId, caller.Session, proof.Password, proof.Otp, ct) is { } reauthError) return reauthError;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var certificate = await db.ProjectCertificates.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == certificateId && c.ProjectId == projectId, ct);
        if (certificate is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        if (certificate.ProtectedSecret is null)
            return ServiceError.Conflict("certificate_retired", "A retired certificate's secret was wiped and cannot be revealed.");
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.CertificateRevealed, "certificate", certificate.Id.ToString(),
            new { projectId, certificate.Fingerprint }, caller.OrganizationId), ct);
        return new RevealedCertificate(certificate.Id, certificate.Fingerprint, secrets.Unprotect(certificate.ProtectedSecret));
    }

    /// Demotes the current Active certificate now; the target becomes Active in a second write of the same
    /// transaction (see ChangeRingAsync), because the one-Active index is checked statement by statement.
    private static ServiceError RingConflict => ServiceError.Conflict("ring_conflict",
        "The certificate ring was changed at the same time by someone else: reload and try again.");

    private AuditEntry Promote(Project project, ProjectCertificate target, DateTimeOffset now)
    {
        var previous = project.Certificates.SingleOrDefault(c => c.State == CertificateState.Active);
        if (previous is not null)
        {
            previous.State = CertificateState.Previous;
            previous.GraceUntil = now.AddSeconds(project.Policy.MaxLifetimeSeconds);
        }
        target.ActivatedAt = now;
        target.EffectiveAt ??= now;
        project.RotationDueSince = null;
        return new AuditEntry(AuditEventType.CertificatePromoted, "certificate", target.Id.ToString(),
            new { projectId = project.Id, target.Fingerprint, previous = previous?.Fingerprint, previousGraceUntil = previous?.GraceUntil },
            project.OrganizationId);
    }

    internal static void Retire(ProjectCertificate certificate, DateTimeOffset now)
    {
        certificate.State = CertificateState.Retired;
        certificate.ProtectedSecret = null;
        certificate.RetiredAt = now;
    }

    private async Task<Result<CertificateDto>> ChangeRingAsync(OrgCaller caller, Guid projectId, int? ifRingVersion, CancellationToken ct,
        Func<PortalDbContext, Project, Result<(ProjectCertificate Certificate, List<AuditEntry> Events)>> change)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var project = await lookup.FindTrackedAsync(db, projectId, ct);
        if (project is null) return await lookup.NotFoundAsync(caller, projectId, ct);
        if (ifRingVersion is { } expected && project.RingVersion != expected)
            return RingConflict; // changed since the caller looked (another run or replica got there first)
        var result = change(db, project);
        if (!result.Ok) return result.Error;
        project.RingVersion++;
        project.UpdatedAt = clock.GetUtcNow();
        var (certificate, events) = result.Value;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            if (certificate.ActivatedAt is not null && certificate.State == CertificateState.Staged)
                certificate.State = CertificateState.Active;
            await audit.SaveAsync(db, caller.Actor, events, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrency-token mismatch (someone else changed the ring) or the one-Active index.
            return RingConflict;
        }
        return CertificateDto.From(certificate);
    }
}
