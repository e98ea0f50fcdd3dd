using System.Net.Mail;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Common;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Notifications;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Mail;
using Portal.Security;
using Portal.Security.Outbound;

namespace Portal.Features.Notifications;

/// Delivery settings of an organization (the audit records the webhook's host only: some receivers put a token in
/// the URL), and the one way to raise a notification: one row per configured
/// channel, unique per (channel, kind, dedup key), then a Hangfire job delivers it.
public sealed class NotificationService(OrganizationAccess access, TenantDb tenants, AuditLog audit, TimeProvider clock, IDataProtectionProvider protection,
    IOptions<NotificationOptions> options, SmtpMail mailer, IBackgroundJobClient jobs)
{
    public const int RecentDeliveries = 20;
    private readonly IDataProtector _protector = protection.CreateProtector("Portal.Webhooks.v1");

    public async Task<NotificationSettingsDto> GetAsync(OrgCaller caller, CancellationToken ct)
    {
        var live = await access.LiveAsync(caller, OrgNeed.Member, ct);
        if (!live.Ok) return Dto((NotificationSettings?)null);
        caller = live.Value;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var dto = Dto(await db.NotificationSettings.AsNoTracking().SingleOrDefaultAsync(ct));
        return caller.CanManage ? dto : dto with { WebhookUrl = null };
    }

    public async Task<Result<NotificationSettingsSaved>> UpdateAsync(OrgCaller caller, UpdateNotificationSettings input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        var url = string.IsNullOrWhiteSpace(input.WebhookUrl) ? null : input.WebhookUrl.Trim();
        if (url is not null && UrlProblem(url) is { } problem) return ServiceError.Validation("webhook_url_invalid", problem, "webhookUrl");
        var recipients = (input.EmailRecipients ?? []).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.FirstOrDefault(r => !MailAddress.TryCreate(r, out _)) is { } bad)
            return ServiceError.Validation("email_invalid", $"'{bad}' is not an e-mail address.", "emailRecipients");
        if (recipients.Count > 20) return ServiceError.Validation("email_too_many", "At most 20 recipients.", "emailRecipients");

        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var settings = await db.NotificationSettings.SingleOrDefaultAsync(ct);
        if (settings is null) db.NotificationSettings.Add(settings = new NotificationSettings { OrganizationId = caller.OrganizationId });
        string? secret = null;
        // A new secret when a webhook is first set or on request; the old one stops working at once.
        if (url is not null && (settings.ProtectedWebhookSecret is null || input.RotateSecret))
        {
            secret = RandomSecrets.New("whsec_");
            settings.ProtectedWebhookSecret = _protector.Protect(secret);
            settings.WebhookSecretPrefix = secret[..10];
        }
        if (url is null) { settings.ProtectedWebhookSecret = null; settings.WebhookSecretPrefix = null; }
        settings.WebhookUrl = url;
        settings.EmailRecipients = string.Join('\n', recipients);
        settings.UpdatedAt = clock.GetUtcNow();
        var entries = new List<AuditEntry>
        {
            new(AuditEventType.NotificationSettingsUpdated, "organization", caller.OrganizationId.ToString(),
                new { webhookHost = url is null ? null : new Uri(url).Host, emailRecipients = recipients.Count }, caller.OrganizationId),
        };
        if (secret is not null)
            entries.Add(new(AuditEventType.WebhookSecretCreated, "organization", caller.OrganizationId.ToString(),
                new { prefix = settings.WebhookSecretPrefix }, caller.OrganizationId));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.SaveAsync(db, caller.Actor, entries, ct);
        await tx.CommitAsync(ct);
        return new NotificationSettingsSaved(Dto(settings), secret);
    }

    /// Queues a `test` notification on every configured channel.
    public async Task<Result<int>> SendTestAsync(OrgCaller caller, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        var raised = await RaiseAsync(caller.OrganizationId, "test", Guid.NewGuid().ToString("N"), "Test notification from Portal",
            new { message = "Your webhook receives Portal's notifications." }, ct);
        return raised == 0 ? ServiceError.Conflict("no_channel", "Set a webhook URL (or e-mail recipients with SMTP configured) first.") : raised;
    }

    /// Idempotent: the same (kind, dedupKey) raised twice gives one notification per channel. Returns how many were created.
    public async Task<int> RaiseAsync(Guid organizationId, string kind, string dedupKey, string subject, object data, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(organizationId, ct);
        var settings = await db.NotificationSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        if (settings is null) return 0;
        var channels = new List<NotificationChannel>();
        if (settings.WebhookUrl is not null) channels.Add(NotificationChannel.Webhook);
        if (mailer.IsConfigured && settings.EmailRecipients.Length > 0) channels.Add(NotificationChannel.Email);
        var created = 0;
        foreach (var channel in channels)
        {
            if (await db.Notifications.AnyAsync(n => n.Channel == channel && n.Kind == kind && n.DedupKey == dedupKey, ct)) continue;
            var now = clock.GetUtcNow();
            var notification = new Notification
            {
                Id = Guid.NewGuid(),
                OrganizationId = organizationId,
                Channel = channel,
                Kind = kind,
                DedupKey = dedupKey,
                Subject = subject,
                Payload = JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
                CreatedAt = now,
                NextAttemptAt = now,
            };
            db.Notifications.Add(notification);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.Entry(notification).State = EntityState.Detached; continue; } // raised concurrently elsewhere
            // If the process dies here, the scan job enqueues pending notifications again.
            jobs.Enqueue<NotificationDeliveryJob>(j => j.DeliverAsync(notification.Id, CancellationToken.None));
            created++;
        }
        return created;
    }

    public async Task<IReadOnlyList<DeliveryDto>> RecentAsync(OrgCaller caller, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return [];
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var rows = await db.Notifications.AsNoTracking().Include(n => n.AttemptLog)
            .OrderByDescending(n => n.CreatedAt).Take(RecentDeliveries).ToListAsync(ct);
        return rows.Select(Dto).ToList();
    }

    /// Notifications that gave up, or are failing and waiting for a retry, in the last 7 days (the dashboard's warning).
    public async Task<int> FailingCountAsync(OrgCaller caller, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return 0;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var since = clock.GetUtcNow().AddDays(-7);
        return await db.Notifications.CountAsync(n => n.CreatedAt >= since &&
            (n.Status == NotificationStatus.Failed || (n.Status == NotificationStatus.Pending && n.LastError != null)), ct);
    }

    internal string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    internal string? UrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            return "The webhook URL must be an absolute https:// URL.";
        if (uri.UserInfo.Length > 0) return "Put no user name or password in the webhook URL; verify the signature instead.";
        if (uri.Scheme == "http" && !(options.Value.AllowLoopbackHttp && uri.IsLoopback))
            return "The webhook URL must use https:// (the body carries usage figures of your organization).";
        if (!OutboundHttp.IsAllowedLiteral(uri.Host, options.Value.AllowPrivateNetworks))
            return "The webhook URL must name a public host: loopback, link-local and private addresses are not called.";
        return null;
    }

    private NotificationSettingsDto Dto(NotificationSettings? s) =>
        new(s?.WebhookUrl, s?.WebhookSecretPrefix, LineList.Split(s?.EmailRecipients ?? ""), mailer.IsConfigured,
            s?.WebhookUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : null);

    internal static DeliveryDto Dto(Notification n) => new(n.Id, n.Channel.ToString().ToLowerInvariant(), n.Kind, n.Subject, n.Status.ToString(),
        n.Attempts, n.CreatedAt, n.DeliveredAt, n.Status == NotificationStatus.Pending ? n.NextAttemptAt : null, n.LastError,
        n.AttemptLog.OrderBy(a => a.Number).Select(a => new DeliveryAttemptDto(a.Number, a.At, a.Succeeded, a.StatusCode, a.Error, a.DurationMs)).ToList());
}
