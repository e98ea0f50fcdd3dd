using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.AgoraOps;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Features.AgoraOps;

/// Kicks and bans of a project's users through Agora's kicking-rule API. Owners and Admins act; every member
/// (Auditors included) sees the list. Each request is kept and audited whatever Agora answers.
public sealed partial class BanService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock,
    AgoraAccountService accounts, AgoraRestClient agora, BanAttempts attempts, ProjectLookup projects)
{
    public const int ListLimit = 200;

    public static string KindName(BanKind kind) => kind switch
    {
        BanKind.Kick => "kick",
        BanKind.BanJoin => "ban_join",
        BanKind.BanAudio => "ban_audio",
        _ => "ban_video",
    };

    public async Task<Result<IReadOnlyList<BanDto>>> ListAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        var rows = await db.AgoraBans.AsNoTracking().Where(b => b.ProjectId == projectId)
            .OrderByDescending(b => b.CreatedAt).Take(ListLimit).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Select(b => Dto(b, now)).ToList();
    }

    public async Task<Result<BanDto>> CreateAsync(OrgCaller caller, Guid projectId, CreateBan input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        if (Validate(input) is { } invalid) return invalid;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        var target = await accounts.ForProjectAsync(db, projectId, ct);
        if (!target.Ok) return target.Error;

        var kind = ParseKind(input.Kind)!.Value;
        var now = clock.GetUtcNow();
        var ban = new AgoraBan
        {
            Id = Guid.NewGuid(),
            OrganizationId = caller.OrganizationId,
            ProjectId = projectId,
            Kind = kind,
            Channel = string.IsNullOrWhiteSpace(input.Channel) ? null : input.Channel.Trim(),
            Uid = input.Uid,
            Ip = string.IsNullOrWhiteSpace(input.Ip) ? null : IPAddress.Parse(input.Ip.Trim()).ToString(),
            Minutes = kind == BanKind.Kick ? 0 : input.Minutes ?? 60,
            CreatedAt = now,
            CreatedBy = caller.Actor.Name ?? caller.UserId,
            // This request holds the first try; if it dies mid-call the sweep takes the ban after the lease.
            Attempts = 1,
            NextAttemptAt = now + BanAttempts.Lease,
        };
        db.AgoraBans.Add(ban);
        await db.SaveChangesAsync(ct); // recorded before Agora is called: nothing asked for is lost
        await attempts.RunAsync(db, ban, target.Value.AppId, target.Value.Credentials, caller.Actor, ct);
        return Dto(ban, clock.GetUtcNow());
    }

    /// The kicking-rule of a token revocation: the uid cannot join any channel of the app for the given minutes.
    /// Null when the project has no Agora account (the revocation still refuses tokens).
    internal async Task<AgoraBan?> PlaceForRevocationAsync(Data.PortalDbContext db, OrgCaller caller, Guid projectId, long uid, int minutes, CancellationToken ct)
    {
        var target = await accounts.ForProjectAsync(db, projectId, ct);
        if (!target.Ok) return null;
        var now = clock.GetUtcNow();
        var ban = new AgoraBan
        {
            Id = Guid.NewGuid(),
            OrganizationId = caller.OrganizationId,
            ProjectId = projectId,
            Kind = BanKind.BanJoin,
            Uid = uid,
            Minutes = Math.Clamp(minutes, 1, 1440),
            CreatedAt = now,
            CreatedBy = caller.Actor.Name ?? caller.UserId,
            Attempts = 1,
            NextAttemptAt = now + BanAttempts.Lease,
        };
        db.AgoraBans.Add(ban);
        await db.SaveChangesAsync(ct);
        await attempts.RunAsync(db, ban, target.Value.AppId, target.Value.Credentials, caller.Actor, ct);
        return ban;
    }

    /// Ends a revocation's kicking-rule: deleted at Agora when active; a pending or failed one stops being retried.
    internal async Task<string?> EndForRevocationAsync(Data.PortalDbContext db, Guid banId, CancellationToken ct)
    {
        var ban = await db.AgoraBans.SingleOrDefaultAsync(b => b.Id == banId, ct);
        if (ban is null || ban.Status is BanStatus.Lifted or BanStatus.Done) return null;
        if (ban.Status == BanStatus.Active && ban.AgoraRuleId is { } ruleId)
        {
            var target = await accounts.ForProjectAsync(db, ban.ProjectId, ct);
            if (!target.Ok) return target.Error.Message;
            var answer = await agora.DeleteRuleAsync(target.Value.Credentials, target.Value.AppId, ruleId, ct);
            if (!answer.Ok) return answer.Error;
        }
        ban.Status = BanStatus.Lifted;
        ban.LiftedAt = clock.GetUtcNow();
        ban.NextAttemptAt = null;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// A failed ban tried again now, with a fresh budget of retries.
    public async Task<Result<BanDto>> RetryAsync(OrgCaller caller, Guid projectId, Guid banId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var ban = await db.AgoraBans.SingleOrDefaultAsync(b => b.Id == banId && b.ProjectId == projectId, ct);
        if (ban is null) return await projects.NotFoundAsync(caller, projectId, ct) with { Message = "There is no ban with this id." };
        if (ban.Status != BanStatus.Failed) return ServiceError.Conflict("ban_not_failed", "Only a failed kick or ban can be retried; pending ones are retried by Portal.");
        var target = await accounts.ForProjectAsync(db, projectId, ct);
        if (!target.Ok) return target.Error;
        ban.Status = BanStatus.Pending;
        ban.Attempts = 1;
        ban.NextAttemptAt = clock.GetUtcNow() + BanAttempts.Lease;
        await db.SaveChangesAsync(ct);
        await attempts.RunAsync(db, ban, target.Value.AppId, target.Value.Credentials, caller.Actor, ct);
        return Dto(ban, clock.GetUtcNow());
    }

    /// Deletes Agora's rule; the user may join or publish again.
    public async Task<Result<BanDto>> LiftAsync(OrgCaller caller, Guid projectId, Guid banId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var ban = await db.AgoraBans.SingleOrDefaultAsync(b => b.Id == banId && b.ProjectId == projectId, ct);
        if (ban is null) return await projects.NotFoundAsync(caller, projectId, ct) with { Message = "There is no ban with this id." };
        if (ban.Status != BanStatus.Active || ban.AgoraRuleId is not { } ruleId)
            return ServiceError.Conflict("ban_not_active", "Only an active ban can be lifted (a kick leaves no rule; a pending or failed one holds none yet).");
        var target = await accounts.ForProjectAsync(db, projectId, ct);
        if (!target.Ok) return target.Error;
        var answer = await agora.DeleteRuleAsync(target.Value.Credentials, target.Value.AppId, ruleId, ct);
        if (!answer.Ok)
            return new ServiceError(answer.Transient ? 503 : 409, "agora_failed", (answer.Error ?? "Agora's answer could not be read.") + " The ban is still active; try again.");
        ban.Status = BanStatus.Lifted;
        ban.LiftedAt = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.BanLifted, "ban", ban.Id.ToString(),
            new { projectId, kind = KindName(ban.Kind), ban.Channel, ban.Uid, ban.Ip, agoraRuleId = ruleId }, caller.OrganizationId), ct);
        await tx.CommitAsync(ct);
        return Dto(ban, clock.GetUtcNow());
    }

    private static BanKind? ParseKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        "kick" => BanKind.Kick,
        "ban_join" => BanKind.BanJoin,
        "ban_audio" => BanKind.BanAudio,
        "ban_video" => BanKind.BanVideo,
        _ => null,
    };

    private static ServiceError? Validate(CreateBan input)
    {
        var kind = ParseKind(input.Kind);
        if (kind is null) return ServiceError.Validation("kind_invalid", "Kind is one of kick, ban_join, ban_audio, ban_video.", "kind");
        if (input.Uid is null && string.IsNullOrWhiteSpace(input.Ip))
            return ServiceError.Validation("target_required", "Give the uid or the IP address of the user (a channel alone would remove everyone in it).", "uid");
        if (input.Uid is { } uid && (uid < 1 || uid > uint.MaxValue))
            return ServiceError.Validation("uid_invalid", "The uid is a number from 1 to 4294967295 (Agora's rules cannot name uid 0 or a string account).", "uid");
        if (!string.IsNullOrWhiteSpace(input.Ip) && !IPAddress.TryParse(input.Ip.Trim(), out _))
            return ServiceError.Validation("ip_invalid", "The IP address is not a valid IPv4 or IPv6 address.", "ip");
        if (!string.IsNullOrWhiteSpace(input.Channel) && !ChannelPattern().IsMatch(input.Channel.Trim()))
            return ServiceError.Validation("channel_invalid", "A channel name is 1 to 64 of Agora's allowed characters (letters, digits, space and !#$%&()+-:;<=.>?@[]^_{}|~,).", "channel");
        if (kind != BanKind.Kick && input.Minutes is { } m && (m < 1 || m > 1440))
            return ServiceError.Validation("minutes_invalid", "A ban lasts 1 to 1440 minutes (Agora's range); use kind kick to remove without a ban.", "minutes");
        return null;
    }

    private static BanDto Dto(AgoraBan b, DateTimeOffset now)
    {
        DateTimeOffset? expires = b.ConfirmedAt is { } at && b.Kind != BanKind.Kick ? at.AddMinutes(b.Minutes) : null;
        var status = b.Status == BanStatus.Active && expires <= now ? "expired" : b.Status.ToString().ToLowerInvariant();
        return new BanDto(b.Id, b.ProjectId, KindName(b.Kind), b.Channel, b.Uid, b.Ip, b.Minutes, status, b.AgoraRuleId, b.Attempts,
            b.Status == BanStatus.Pending ? b.NextAttemptAt : null, b.LastError, b.CreatedAt, b.CreatedBy, b.ConfirmedAt, expires, b.LiftedAt);
    }

    // Agora's channel-name alphabet (TOKENS.md): ASCII letters, digits, space and these punctuation marks.
    [GeneratedRegex(@"^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]{1,64}$")]
    private static partial Regex ChannelPattern();
}
