using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Data.Identity;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// Replaces Identity UI's page of the same path: turning 2FA off needs the password or a current code first
/// (see <see cref="SecondFactorConfirmation"/>), and a page opened with 2FA already off says so instead of failing.
public sealed class Disable2faModel(UserManager<PortalUser> users) : PageModel
{
    [TempData] public string? StatusMessage { get; set; }

    [BindProperty] public SecondFactorConfirmation Input { get; set; } = new();

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!user.TwoFactorEnabled) return AlreadyOff();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!user.TwoFactorEnabled) return AlreadyOff();
        Error = await Input.RefusalAsync(users, user);
        if (Error is not null) return Page();
        if (!(await users.SetTwoFactorEnabledAsync(user, false)).Succeeded)
        {
            Error = "Two-factor authentication could not be turned off; try again.";
            return Page();
        }
        // The change renewed the security stamp, which ends the user's other sessions; PortalUserManager signs this one in again.
        StatusMessage = "Two-factor authentication is off. Your authenticator app's key still works if you turn it on again.";
        return RedirectToPage("./TwoFactorAuthentication");
    }

    private RedirectToPageResult AlreadyOff()
    {
        StatusMessage = "Two-factor authentication is already off.";
        return RedirectToPage("./TwoFactorAuthentication");
    }
}
