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

/// A project's NCS secret (pasted by an Owner or Admin, encrypted) and the presence view NCS events build:
/// channels with their online users. Every member reads; only managers set the secret.
public sealed partial class NcsService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, AgoraSecrets secrets,
    ProjectLookup projects, AgoraAccountService accounts, AgoraRestClient agora, AgoraRateLimiter limiter)
{
    /// *Refresh from Agora*: `GET /dev/v1/channel/user/{appid}/{channel}` replaces the channel's presence with Agora's
    /// answer (users it does not list go offline). Within the account's shared budget of 10 calls a second.
    public async Task<Result<IReadOnlyList<ChannelDto>>> RefreshAsync(OrgCaller caller, Guid projectId, string? channel, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        if (string.IsNullOrWhiteSpace(channel) || channel.Length > 64)
            return ServiceError.Validation("channel_invalid", "Name the channel to refresh (1 to 64 characters).", "channel");
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        var target = await accounts.AccountForProjectAsync(db, projectId, ct);
        if (!target.Ok) return target.Error;
        if (!await limiter.TryAcquireAsync(target.Value.AccountId, ct))
            return new ServiceError(429, "agora_rate_limited", $"This Agora account already made {AgoraRateLimiter.PerSecond} calls this second (Agora's limit); try again in a second.");
        var answer = await agora.ChannelUsersAsync(target.Value.Credentials, target.Value.AppId, channel, ct);
        if (!answer.Ok) return new ServiceError(answer.Transient ? 503 : 409, "agora_failed", answer.Error ?? "Agora's answer could not be read.");
        var data = answer.Body.TryGetProperty("data", out var d) && d.ValueKind == System.Text.Json.JsonValueKind.Object ? d : default;
        var listed = new Dictionary<long, string>();
        foreach (var (field, role) in new[] { ("broadcasters", "broadcaster"), ("audience", "audience"), ("users", "broadcaster") })
            if (data.ValueKind == System.Text.Json.JsonValueKind.Object && data.TryGetProperty(field, out var uids) && uids.ValueKind == System.Text.Json.JsonValueKind.Array)
                foreach (var uid in uids.EnumerateArray())
                    if (uid.TryGetInt64(out var n)) listed[n] = role;
        var now = clock.GetUtcNow();
        var rows = await db.ChannelPresence.Where(x => x.ProjectId == projectId && x.Channel == channel).ToListAsync(ct);
        foreach (var row in rows.Where(r => r.Online && !listed.ContainsKey(r.Uid))) { row.Online = false; row.UpdatedAt = now; }
        foreach (var (uid, role) in listed)
        {
            var row = rows.SingleOrDefault(r => r.Uid == uid);
            if (row is null)
                db.ChannelPresence.Add(row = new ChannelPresence { OrganizationId = caller.OrganizationId, ProjectId = projectId, Channel = channel, Uid = uid, Role = role });
            if (!row.Online) row.JoinedAt = null; // Agora's list carries no join time
            row.Online = true;
            row.Role = role;
            row.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        return await ChannelsAsync(caller, projectId, ct);
    }

    public static string WebhookPath(Guid projectId) => $"/webhooks/agora/{projectId}";

    public async Task<Result<NcsSettingsDto>> GetAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        return Dto(projectId, await db.NcsEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.ProjectId == projectId, ct));
    }

    public async Task<Result<NcsSettingsDto>> SetSecretAsync(OrgCaller caller, Guid projectId, SetNcsSecret input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } refused) return refused;
        var secret = input.Secret?.Trim() ?? "";
        if (!SecretPattern().IsMatch(secret))
            return ServiceError.Validation("ncs_secret_invalid", "The NCS secret is 8 to 128 characters without spaces, as shown in Agora Console → Notifications.", "secret");
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        var endpoint = await db.NcsEndpoints.SingleOrDefaultAsync(e => e.ProjectId == projectId, ct);
        if (endpoint is null)
            db.NcsEndpoints.Add(endpoint = new NcsEndpoint { ProjectId = projectId, OrganizationId = caller.OrganizationId, ProtectedSecret = "", SecretFingerprint = "" });
        endpoint.ProtectedSecret = secrets.ProtectNcs(secret);
        endpoint.SecretFingerprint = AgoraSecrets.Fingerprint(secret);
        endpoint.UpdatedAt = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.NcsSecretSet, "project", projectId.ToString(),
            new { projectId, fingerprint = endpoint.SecretFingerprint }, caller.OrganizationId), ct);
        await tx.CommitAsync(ct);
        return Dto(projectId, endpoint);
    }

    /// Channels with someone online, busiest first, each with its users (at most 500 channels).
    public async Task<Result<IReadOnlyList<ChannelDto>>> ChannelsAsync(OrgCaller caller, Guid projectId, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, ct)) return await projects.NotFoundAsync(caller, projectId, ct);
        var online = await db.ChannelPresence.AsNoTracking().Where(x => x.ProjectId == projectId && x.Online)
            .OrderBy(x => x.Channel).ThenBy(x => x.JoinedAt).Take(10_000).ToListAsync(ct);
        return online.GroupBy(x => x.Channel)
            .Select(g => new ChannelDto(g.Key, g.Count(x => x.Role == "broadcaster"), g.Count(x => x.Role != "broadcaster"),
                g.Select(x => new ChannelUserDto(x.Uid, x.Role, x.JoinedAt)).ToList()))
            .OrderByDescending(c => c.Users.Count).ThenBy(c => c.Channel, StringComparer.Ordinal).Take(500).ToList();
    }

    private static NcsSettingsDto Dto(Guid projectId, NcsEndpoint? e) =>
        new(projectId, e is not null, WebhookPath(projectId), e?.SecretFingerprint, e?.UpdatedAt, e?.LastEventAt);

    [GeneratedRegex(@"^[\x21-\x7E]{8,128}$")]
    private static partial Regex SecretPattern();
}

/// Takes offline users whose leave event never came (older than Portal:Agora:PresenceMaxAgeHours), and forgets
/// handled noticeIds after 7 days (Agora stops retrying long before).
public sealed class PresenceExpiryJob(TenantDb tenants, TimeProvider clock, Microsoft.Extensions.Options.IOptions<AgoraOptions> options)
{
    public const string RecurringId = "agora-presence-expiry";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("presence expiry over all organizations", ct);
        var now = clock.GetUtcNow();
        var stale = now.AddHours(-options.Value.PresenceMaxAgeHours);
        await db.ChannelPresence.Where(x => x.Online && x.UpdatedAt < stale)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Online, false).SetProperty(x => x.UpdatedAt, now), ct);
        var forget = now.AddDays(-7);
        await db.NcsNotices.Where(n => n.ReceivedAt < forget).ExecuteDeleteAsync(ct);
        var second = now.AddMinutes(-1).ToUnixTimeSeconds();
        await db.AgoraCallWindows.Where(w => w.Second < second).ExecuteDeleteAsync(ct);
    }
}
