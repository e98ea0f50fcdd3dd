using System.Net.Mail;
using Microsoft.Extensions.Options;
using Portal.Features.Organizations;

namespace Portal.Features.Notifications;

/// E-mail delivery with the SMTP settings the invitation mailer uses (`Portal:Smtp`). Unlike invitations,
/// a failure is reported to the caller, so the delivery job records it and retries.
public sealed class NotificationMailer(IOptions<SmtpOptions> options)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    public async Task SendAsync(IReadOnlyList<string> to, string subject, string body, CancellationToken ct)
    {
        var smtp = options.Value;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl };
        if (smtp.UserName is not null) client.Credentials = new System.Net.NetworkCredential(smtp.UserName, smtp.Password);
        using var message = new MailMessage { From = new MailAddress(smtp.From), Subject = subject, Body = body };
        foreach (var address in to) message.To.Add(address);
        await client.SendMailAsync(message, ct);
    }
}
