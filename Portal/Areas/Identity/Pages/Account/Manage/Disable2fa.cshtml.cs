using Microsoft.AspNetCore.Mvc;
using Portal.Data.Identity;
using Portal.Features.Account;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// Replaces Identity UI's page of the same path: turning 2FA off needs the password or a current code first
/// (see <see cref="SecondFactorConfirmation"/>), and a page opened with 2FA already off says so instead of failing.
public sealed class Disable2faModel(PortalUserManager users) : SecondFactorChangeModel(users)
{
    protected override IActionResult? Elsewhere(PortalUser user) =>
        user.TwoFactorEnabled ? null : BackWith("Two-factor authentication is already off.");

    protected override async Task<IActionResult?> ChangeAsync(PortalUser user)
    {
        // The change renews the security stamp, which ends the user's other sessions; PortalUserManager signs this one in again.
        if ((await Users.SetTwoFactorEnabledAsync(user, false)).Succeeded)
            return BackWith("Two-factor authentication is off. Your authenticator app's key still works if you turn it on again.");
        Error = "Two-factor authentication could not be turned off; try again.";
        return null;
    }
}
