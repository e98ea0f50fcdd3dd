using System.Net.Mail;
using Portal.Mail;

namespace Portal.Features.Organizations;

/// Sends the invitation link when `Portal:Smtp:Host` is configured; otherwise the inviter copies the link.
public sealed class InvitationMailer(SmtpMail mail, ILogger<InvitationMailer> log)
{
    public bool IsConfigured => mail.IsConfigured;

    public async Task SendAsync(string to, string url, DateTimeOffset expiresAt, CancellationToken ct)
    {
        if (!IsConfigured) return;
        try
        {
            await mail.SendAsync([to], "You are invited to Portal",
                $"You have been invited to an organization on Portal.\n\nAccept the invitation (valid until {expiresAt:u}):\n{url}\n", ct);
        }
        catch (SmtpException ex)
        {
            // The inviter still has the link on screen; a mail failure must not lose the invitation.
            log.LogWarning("Could not e-mail the invitation: {Error}", ex.Message);
        }
    }
}
