using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Portal.Data.Identity;
using Portal.Features.Certificates;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// What the pages that weaken the second factor ask for first: the password, or a current code from the
/// authenticator app. Identity UI's own pages act on one click, so a session someone else holds (a browser left open,
/// a stolen cookie) could turn 2FA off or move it to their own phone. Wrong answers count towards the lockout.
public sealed class SecondFactorConfirmation
{
    [DataType(DataType.Password)]
    [Display(Name = "Your password")]
    public string? Password { get; set; }

    [Display(Name = "Or an authenticator code")]
    public string? Code { get; set; }

    /// Null when confirmed, else what to tell the user. Nothing is remembered: the proof is for this one request.
    public async Task<string?> RefusalAsync(UserManager<PortalUser> users, PortalUser user)
    {
        var refused = await Reauthentication.VerifyAsync(users, user, Password, Code?.Trim());
        return refused?.Code switch
        {
            null => null,
            "reauthentication_required" => "Enter your password, or a code from your authenticator app, to confirm it is you.",
            _ => refused.Message,
        };
    }
}
