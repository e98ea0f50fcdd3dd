using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace Portal.Features.Organizations;

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool EnableSsl { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "portal@localhost";
}

/// Sends the invitation link when `Portal:Smtp:Host` is configured; otherwise the inviter copies the link.
public sealed class InvitationMailer(IOptions<SmtpOptions> options, ILogger<InvitationMailer> log)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    public async Task SendAsync(string to, string url, DateTimeOffset expiresAt, CancellationToken ct)
    {
        if (!IsConfigured) return;
        var smtp = options.Value;
        try
        {
            using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl };
            if (smtp.UserName is not null) client.Credentials = new System.Net.NetworkCredential(smtp.UserName, smtp.Password);
            using var message = new MailMessage(smtp.From, to, "You are invited to Portal",
                $"You have been invited to an organization on Portal.\n\nAccept the invitation (valid until {expiresAt:u}):\n{url}\n");
            await client.SendMailAsync(message, ct);
        }
        catch (SmtpException ex)
        {
            // The inviter still has the link on screen; a mail failure must not lose the invitation.
            log.LogWarning("Could not e-mail the invitation: {Error}", ex.Message);
        }
    }
}
