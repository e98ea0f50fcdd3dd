using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.AgoraOps;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Features.AgoraOps;

/// `POST /webhooks/agora/{projectId}`: Agora NCS events for a project's RTC channels. The raw body's HMAC-SHA256
/// (hex, `Agora-Signature-V2`) with the project's NCS secret is checked first; then the notice is recorded once per
/// noticeId (Agora retries until it gets a 200) in the same transaction as the presence change it makes, and a user's
/// events apply only if newer than the last one applied (clientSeq, else payload ts), so late or replayed events
/// cannot undo newer ones. Event types: 101/102 channel create/destroy, 103/104 broadcaster join/leave, 105/106
/// audience join/leave, 111/112 role change to broadcaster/audience; others are acknowledged and logged.
public sealed class NcsReceiver(TenantDb tenants, AgoraSecrets secrets, AuditThrottle throttle, TimeProvider clock, ILogger<NcsReceiver> log)
{
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<NcsOutcome> ReceiveAsync(Guid projectId, byte[] body, string? signature, CancellationToken ct)
    {
        await using var lookup = await tenants.UnfilteredAsync("an NCS request names its project, not its organization", ct);
        var endpoint = await lookup.NcsEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.ProjectId == projectId, ct);
        if (endpoint is null || !SignatureValid(NcsSecret(endpoint), body, signature))
        {
            // Unknown project and bad signature answer alike; only a known project's log records the refusal.
            if (endpoint is not null)
                await throttle.RecordAsync($"ncs-signature:{projectId}", AuditActor.System, count => new AuditEntry(AuditEventType.NcsSignatureRefused,
                    "project", projectId.ToString(), new { count }, endpoint.OrganizationId, Succeeded: false), ct);
            return NcsOutcome.SignatureInvalid;
        }
        if (Parse(body) is not { } notice) return NcsOutcome.Malformed;

        await using var db = await tenants.ForOrganizationAsync(endpoint.OrganizationId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        db.NcsNotices.Add(new NcsNotice { OrganizationId = endpoint.OrganizationId, ProjectId = projectId, NoticeId = notice.NoticeId, EventType = notice.EventType, ReceivedAt = now });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // The unique (project, noticeId) index: seen before. Any other failure is an error, and Agora retries it.
            if (await SeenAsync(lookup, projectId, notice.NoticeId, ct)) return NcsOutcome.Duplicate;
            throw;
        }
        var applied = await ApplyAsync(db, endpoint.OrganizationId, projectId, notice, now, ct);
        await db.NcsEndpoints.Where(e => e.ProjectId == projectId).ExecuteUpdateAsync(s => s.SetProperty(e => e.LastEventAt, now), ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            return NcsOutcome.Conflict; // the same user's first events at once: Agora retries this one
        }
        return applied;
    }

    private static Task<bool> SeenAsync(Data.PortalDbContext lookup, Guid projectId, string noticeId, CancellationToken ct) =>
        lookup.NcsNotices.AsNoTracking().AnyAsync(n => n.ProjectId == projectId && n.NoticeId == noticeId, ct);

    /// The project's NCS secret, or null when it no longer decrypts (a key ring that changed): then nothing verifies,
    /// and the caller gets the same 401 as for a bad signature rather than a 500.
    private string? NcsSecret(Data.AgoraOps.NcsEndpoint endpoint)
    {
        try
        {
            return secrets.UnprotectNcs(endpoint.ProtectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            log.LogWarning("The NCS secret of project {Project} does not decrypt: paste it again on the Channels tab", endpoint.ProjectId);
            return null;
        }
    }

    public static bool SignatureValid(string? secret, byte[] body, string? signature)
    {
        if (secret is null || signature is null || signature.Length != 64) return false;
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), given);
    }

    private sealed record Notice(string NoticeId, int EventType, string? Channel, long? Uid, long Ts, long ClientSeq);

    private static Notice? Parse(byte[] body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var noticeId = root.TryGetProperty("noticeId", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (noticeId is not { Length: > 0 and <= 100 } || !root.TryGetProperty("eventType", out var t) || !t.TryGetInt32(out var type)) return null;
            var payload = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            string? channel = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("channelName", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            long? uid = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("uid", out var u) && u.TryGetInt64(out var uv) ? uv : null;
            long ts = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("ts", out var s) && s.TryGetInt64(out var sv) ? sv : 0;
            long seq = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("clientSeq", out var q) && q.TryGetInt64(out var qv) ? qv : 0;
            if (channel is { Length: > 64 }) return null;
            return new Notice(noticeId, type, channel, uid, ts, seq);
        }
        catch (JsonException) { return null; }
    }

    private async Task<NcsOutcome> ApplyAsync(PortalDbContext db, Guid organizationId, Guid projectId, Notice notice, DateTimeOffset now, CancellationToken ct)
    {
        switch (notice.EventType)
        {
            case 101:
                return NcsOutcome.Applied; // a channel exists once someone is in it
            case 102 when notice.Channel is { } destroyed:
                foreach (var left in await db.ChannelPresence.Where(x => x.ProjectId == projectId && x.Channel == destroyed && x.Online && x.EventTs <= notice.Ts).ToListAsync(ct))
                {
                    left.Online = false;
                    left.UpdatedAt = now;
                }
                return NcsOutcome.Applied;
            case 103 or 104 or 105 or 106 or 111 or 112 when notice.Channel is { } channel && notice.Uid is { } uid:
                var row = await db.ChannelPresence.SingleOrDefaultAsync(x => x.ProjectId == projectId && x.Channel == channel && x.Uid == uid, ct);
                if (row is null)
                    db.ChannelPresence.Add(row = new ChannelPresence { OrganizationId = organizationId, ProjectId = projectId, Channel = channel, Uid = uid, Role = "audience", EventTs = long.MinValue });
                else if (!Newer(notice, row))
                    return NcsOutcome.Ignored; // an older event than the one already applied (out of order, or a replay)
                var joins = notice.EventType is 103 or 105 or 111 or 112;
                if (notice.EventType is 103 or 105 && !row.Online) row.JoinedAt = DateTimeOffset.FromUnixTimeSeconds(notice.Ts);
                row.Online = joins;
                row.Role = notice.EventType is 103 or 104 or 111 ? "broadcaster" : "audience";
                if (joins) row.JoinedAt ??= DateTimeOffset.FromUnixTimeSeconds(notice.Ts);
                row.EventTs = notice.Ts;
                row.ClientSeq = notice.ClientSeq;
                row.UpdatedAt = now;
                return NcsOutcome.Applied;
            default:
                log.LogInformation("NCS event type {EventType} for project {ProjectId} acknowledged and not used", notice.EventType, projectId);
                return NcsOutcome.Ignored;
        }
    }

    /// Agora's clientSeq orders one user's events; without it (0), the payload's ts does.
    private static bool Newer(Notice notice, ChannelPresence row) =>
        notice.ClientSeq > 0 && row.ClientSeq > 0 ? notice.ClientSeq > row.ClientSeq : notice.Ts >= row.EventTs;
}
