using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Data.Identity;
using Portal.Features.Account;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// Replaces Identity UI's page of the same path: a new authenticator key turns 2FA off until an app is set up with
/// it, so it needs the password or a current code first (see <see cref="SecondFactorConfirmation"/>); otherwise
/// whoever holds the session could move the second factor to their own phone.
public sealed class ResetAuthenticatorModel(PortalUserManager users, SignInManager<PortalUser> signIn) : SecondFactorChangeModel(users)
{
    protected override async Task<IActionResult?> ChangeAsync(PortalUser user)
    {
        if (!(await Users.ReplaceAuthenticatorAsync(user)).Succeeded)
        {
            Error = "The authenticator key could not be reset; try again.";
            return null;
        }
        // The new key renewed the security stamp, which ends the user's other sessions; this one goes on.
        await signIn.RefreshSignInAsync(user);
        StatusMessage = "Your authenticator key is new: set up your authenticator app with it to turn two-factor authentication on again.";
        return RedirectToPage("./EnableAuthenticator");
    }
}
