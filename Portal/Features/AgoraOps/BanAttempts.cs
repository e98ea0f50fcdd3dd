using System.Text.Json;
using Hangfire;
using Portal.Data;
using Portal.Data.AgoraOps;
using Portal.Data.Audit;
using Portal.Features.Audit;

namespace Portal.Features.AgoraOps;

/// One try at placing a kick or ban at Agora, shared by the moderator's request and the retry job. A try after a
/// failed one first lists Agora's rules and adopts a rule that already matches (the earlier POST may have reached
/// Agora even though its answer was lost), so a retried kick never creates two rules.
public sealed class BanAttempts(AgoraRestClient agora, AuditLog audit, IBackgroundJobClient jobs, TimeProvider clock)
{
    /// Delays before the 2nd, 3rd, … try; after the last the ban is failed (a moderator may retry it).
    public static readonly TimeSpan[] RetryDelays =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)];

    public static int MaxAttempts => RetryDelays.Length + 1;

    /// A claimed try that never finished (the process died) may be taken again after this long.
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// Runs the try numbered ban.Attempts (already claimed by the caller) and saves the outcome with its audit event.
    public async Task RunAsync(PortalDbContext db, AgoraBan ban, string appId, AgoraCredentials credentials, AuditActor actor, CancellationToken ct)
    {
        var answer = await PlaceAsync(ban, appId, credentials, ct);
        var now = clock.GetUtcNow();
        AuditEntry entry;
        if (answer.Ok && RuleId(answer.Body) is { } ruleId)
        {
            ban.AgoraRuleId = ruleId;
            ban.Status = ban.Kind == BanKind.Kick ? BanStatus.Done : BanStatus.Active;
            ban.ConfirmedAt = now;
            ban.NextAttemptAt = null;
            ban.LastError = null;
            entry = Entry(AuditEventType.BanCreated, ban, new { agoraRuleId = ruleId, attempts = ban.Attempts }, true);
        }
        else
        {
            var error = answer.Ok ? "Agora's answer carried no rule id." : answer.Error ?? "Agora's answer could not be read.";
            ban.LastError = error.Length <= 500 ? error : error[..500];
            var retry = (answer.Transient || answer.Ok) && ban.Attempts < MaxAttempts;
            if (retry)
            {
                var delay = answer.RetryAfter is { } hint && hint > TimeSpan.Zero ? hint : RetryDelays[ban.Attempts - 1];
                ban.Status = BanStatus.Pending;
                ban.NextAttemptAt = now + delay;
                entry = Entry(AuditEventType.BanCallDeferred, ban, new { reason = ban.LastError, agoraStatus = answer.Status, retryIn = (int)delay.TotalSeconds }, false);
            }
            else
            {
                ban.Status = BanStatus.Failed;
                ban.NextAttemptAt = null;
                entry = Entry(AuditEventType.BanFailed, ban, new { reason = ban.LastError, agoraStatus = answer.Status }, false);
            }
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await audit.SaveAsync(db, actor, entry, ct);
            await tx.CommitAsync(ct);
        }
        if (ban is { Status: BanStatus.Pending, NextAttemptAt: { } at })
            jobs.Schedule<BanRetryJob>(j => j.RetryAsync(ban.Id, CancellationToken.None), at - now);
    }

    private async Task<AgoraAnswer> PlaceAsync(AgoraBan ban, string appId, AgoraCredentials credentials, CancellationToken ct)
    {
        if (ban.LastError is not null)
        {
            var listed = await agora.ListRulesAsync(credentials, appId, ct);
            if (!listed.Ok) return listed;
            if (FindMatching(listed.Body, ban) is { } existing)
                return new AgoraAnswer(true, listed.Status, JsonSerializer.SerializeToElement(new { status = "success", id = existing }), null, false, null);
        }
        return await agora.CreateRuleAsync(credentials, Body(ban, appId), ct);
    }

    internal static object Body(AgoraBan ban, string appId)
    {
        var body = new Dictionary<string, object> { ["appid"] = appId };
        if (ban.Channel is not null) body["cname"] = ban.Channel;
        if (ban.Uid is { } uid) body["uid"] = uid;
        if (ban.Ip is not null) body["ip"] = ban.Ip;
        body["time"] = ban.Minutes;
        body["privileges"] = new[] { Privilege(ban.Kind) };
        return body;
    }

    private static string Privilege(BanKind kind) => kind switch
    {
        BanKind.BanAudio => "publish_audio",
        BanKind.BanVideo => "publish_video",
        _ => "join_channel",
    };

    private static long? RuleId(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) ? value : null;

    /// A rule in `GET /dev/v1/kicking-rule`'s answer with the same channel, uid, ip and privilege as the ban.
    private static long? FindMatching(JsonElement body, AgoraBan ban)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array) return null;
        foreach (var rule in rules.EnumerateArray())
        {
            if (Text(rule, "cname") != ban.Channel || Text(rule, "ip") != ban.Ip) continue;
            long? uid = rule.TryGetProperty("uid", out var u) && u.TryGetInt64(out var n) && n != 0 ? n : null;
            if (uid != ban.Uid) continue;
            if (!rule.TryGetProperty("privileges", out var p) || p.ValueKind != JsonValueKind.Array
                || !p.EnumerateArray().Any(x => x.GetString() == Privilege(ban.Kind))) continue;
            if (RuleId(rule) is { } id) return id;
        }
        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static AuditEntry Entry(AuditEventType type, AgoraBan ban, object outcome, bool ok) =>
        new(type, "ban", ban.Id.ToString(), new
        {
            projectId = ban.ProjectId,
            kind = BanService.KindName(ban.Kind),
            channel = ban.Channel,
            uid = ban.Uid,
            ip = ban.Ip,
            minutes = ban.Minutes,
            outcome,
        }, ban.OrganizationId, ok);
}
