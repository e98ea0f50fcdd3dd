using System.Diagnostics;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Notifications;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Mail;
using Portal.Security.Outbound;

namespace Portal.Features.Notifications;

/// Delivers one notification. Each attempt is first claimed (Attempts moves from n to n+1 only once), so a
/// duplicate job or a second replica never sends the same attempt twice; a failure is recorded and the next
/// attempt scheduled with backoff (1 min, 5 min, 30 min, 2 h, 6 h), after which the notification is failed.
/// Receivers get at-least-once delivery and de-duplicate on the `id` (also sent as `Portal-Delivery`).
public sealed class NotificationDeliveryJob(TenantDb tenants, NotificationService notifications, SmtpMail mailer,
    IHttpClientFactory http, IBackgroundJobClient jobs, AuditChain chain, TimeProvider clock, ILogger<NotificationDeliveryJob> log)
{
    public const string HttpClientName = "portal-webhooks";

    /// A claimed attempt that never finished (the process died) may be tried again after this long.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [AutomaticRetry(Attempts = 0)] // retries are this job's own, with backoff and a record of each attempt
    public async Task DeliverAsync(Guid notificationId, CancellationToken ct)
    {
        await using var db = await tenants.UnfilteredAsync("delivery job loads one notification by id", ct);
        var n = await db.Notifications.AsNoTracking().SingleOrDefaultAsync(x => x.Id == notificationId, ct);
        var now = clock.GetUtcNow();
        if (n is null || n.Status != NotificationStatus.Pending || n.NextAttemptAt > now) return;
        var number = n.Attempts + 1;
        var claimed = await db.Notifications.Where(x => x.Id == n.Id && x.Attempts == n.Attempts && x.Status == NotificationStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Attempts, number).SetProperty(x => x.NextAttemptAt, now + Lease), ct);
        if (claimed == 0) return; // another worker has this attempt

        var settings = await db.NotificationSettings.AsNoTracking().SingleOrDefaultAsync(s => s.OrganizationId == n.OrganizationId, ct);
        var watch = Stopwatch.StartNew();
        var (ok, status, error) = await SendAsync(n, settings, now, ct);
        var attempt = new NotificationAttempt
        {
            OrganizationId = n.OrganizationId,
            NotificationId = n.Id,
            Number = number,
            At = now,
            Succeeded = ok,
            StatusCode = status,
            Error = error,
            DurationMs = (int)watch.ElapsedMilliseconds,
        };
        db.NotificationAttempts.Add(attempt);
        var retry = !ok && number < NotificationOptions.MaxAttempts ? NotificationOptions.RetryDelays[number - 1] : (TimeSpan?)null;
        var tracked = await db.Notifications.SingleAsync(x => x.Id == n.Id, ct);
        tracked.Status = ok ? NotificationStatus.Delivered : retry is null ? NotificationStatus.Failed : NotificationStatus.Pending;
        tracked.DeliveredAt = ok ? clock.GetUtcNow() : null;
        tracked.NextAttemptAt = retry is { } delay ? now + delay : null;
        tracked.LastError = ok ? null : error;
        await db.SaveChangesAsync(ct);
        if (retry is { } wait) jobs.Schedule<NotificationDeliveryJob>(j => j.DeliverAsync(n.Id, CancellationToken.None), wait);
        if (!ok) log.LogWarning("Notification {Id} attempt {Number} failed: {Error}", n.Id, number, error);
    }

    private async Task<(bool Ok, int? Status, string? Error)> SendAsync(Notification n, NotificationSettings? settings, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            return n.Channel switch
            {
                NotificationChannel.Webhook => await PostAsync(n, settings, now, ct),
                _ => await MailAsync(n, settings, ct),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Mail.SmtpException or InvalidOperationException)
        {
            // The tenant sees the outcome's class only: a connection error's text would map hosts and ports of the
            // network Portal runs in. The operator's log has the type (never the secret).
            log.LogInformation("Notification {Id} delivery error: {Error}", n.Id,
                OutboundAddressRefusedException.IsIn(ex) ? "address not allowed" : ex.GetType().Name);
            return (false, null, Outcome(ex));
        }
    }

    private async Task<(bool, int?, string?)> PostAsync(Notification n, NotificationSettings? settings, DateTimeOffset now, CancellationToken ct)
    {
        if (settings?.WebhookUrl is not { } url || settings.ProtectedWebhookSecret is not { } protectedSecret)
            return (false, null, "failed: no webhook is configured any more");
        if (notifications.UrlProblem(url) is { } problem) return (false, null, "failed: " + problem);
        var body = Body(n, await chain.TailAsync(ct));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(notifications.Unprotect(protectedSecret), now.ToUnixTimeSeconds(), body));
        request.Headers.Add("Portal-Event", n.Kind);
        request.Headers.Add("Portal-Delivery", n.Id.ToString());
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        var code = (int)response.StatusCode;
        return response.IsSuccessStatusCode ? (true, code, null) : (false, code, $"failed: HTTP {code}");
    }

    private async Task<(bool, int?, string?)> MailAsync(Notification n, NotificationSettings? settings, CancellationToken ct)
    {
        var to = LineList.Split(settings?.EmailRecipients ?? "");
        if (!mailer.IsConfigured || to.Length == 0) return (false, null, "failed: no SMTP server or recipients are configured any more");
        var data = JsonSerializer.Serialize(JsonDocument.Parse(n.Payload).RootElement, new JsonSerializerOptions { WriteIndented = true });
        var head = await chain.TailAsync(ct);
        await mailer.SendAsync(to, $"[Portal] {n.Subject}",
            $"{n.Subject}\n\nEvent: {n.Kind}\nCreated: {n.CreatedAt:u}\nAudit chain head: {head?.ToString() ?? "none"}\n\n{data}\n", ct);
        return (true, null, null);
    }

    /// The webhook body: an envelope with a stable `type`, the event's `data` and the audit chain's head at delivery
    /// (`SEQ:HASH`), so receivers keep a copy of the head outside Portal (`Portal audit verify --expect-head`).
    public static string Body(Notification n, AuditHead? head) =>
        $$"""{"id":"{{n.Id}}","type":{{JsonSerializer.Serialize(n.Kind)}},"organizationId":"{{n.OrganizationId}}","createdAt":{{JsonSerializer.Serialize(n.CreatedAt)}},"subject":{{JsonSerializer.Serialize(n.Subject)}},"auditHead":{{JsonSerializer.Serialize(head?.ToString())}},"data":{{n.Payload}}}""";

    /// What the tenant is shown of a failed attempt: delivered / failed with an HTTP status, a timeout or a refusal.
    internal static string Outcome(Exception ex) => ex switch
    {
        TaskCanceledException => "failed: timeout",
        System.Net.Mail.SmtpException => "failed: the mail server did not accept the message",
        InvalidOperationException => "failed: not sent",
        _ => "failed: refused (the receiver could not be reached, or its address is not one Portal calls)",
    };
}
