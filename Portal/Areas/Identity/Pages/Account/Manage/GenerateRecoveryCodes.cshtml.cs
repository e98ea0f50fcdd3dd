using Microsoft.AspNetCore.Mvc;
using Portal.Data.Identity;
using Portal.Features.Account;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// Replaces Identity UI's page of the same path: new recovery codes are a way past the second factor, so making them
/// needs the password or a current code first (see <see cref="SecondFactorConfirmation"/>), as turning 2FA off does.
public sealed class GenerateRecoveryCodesModel(PortalUserManager users) : SecondFactorChangeModel(users)
{
    [TempData] public string[]? RecoveryCodes { get; set; }

    protected override IActionResult? Elsewhere(PortalUser user) =>
        user.TwoFactorEnabled ? null : BackWith("Recovery codes come with two-factor authentication: turn it on first.");

    protected override async Task<IActionResult?> ChangeAsync(PortalUser user)
    {
        RecoveryCodes = (await Users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToArray();
        StatusMessage = "You have new recovery codes; the old ones no longer work.";
        return RedirectToPage("./ShowRecoveryCodes");
    }
}
