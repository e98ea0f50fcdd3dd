using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace Portal.Mail;

/// `Portal:Smtp`: where invitations and notifications are e-mailed from. No host = no e-mail.
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool EnableSsl { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "portal@localhost";
}

/// Sends plain-text mail with the configured SMTP server. Failures are the caller's to handle: an invitation logs
/// them (the link is still on screen), a notification delivery records and retries them.
public sealed class SmtpMail(IOptions<SmtpOptions> options)
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

public static class MailSetup
{
    /// Outgoing e-mail, shared by invitations and notification delivery.
    public static WebApplicationBuilder AddPortalMail(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmtpOptions>().BindConfiguration("Portal:Smtp");
        builder.Services.AddSingleton<SmtpMail>();
        return builder;
    }
}
