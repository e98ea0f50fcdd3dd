using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Data.Identity;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// Replaces Identity UI's page of the same path: new recovery codes are a way past the second factor, so making them
/// needs the password or a current code first (see <see cref="SecondFactorConfirmation"/>), as turning 2FA off does.
public sealed class GenerateRecoveryCodesModel(UserManager<PortalUser> users) : PageModel
{
    [TempData] public string? StatusMessage { get; set; }

    [TempData] public string[]? RecoveryCodes { get; set; }

    [BindProperty] public SecondFactorConfirmation Input { get; set; } = new();

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        return user.TwoFactorEnabled ? Page() : NotOn();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!user.TwoFactorEnabled) return NotOn();
        Error = await Input.RefusalAsync(users, user);
        if (Error is not null) return Page();
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToArray();
        StatusMessage = "You have new recovery codes; the old ones no longer work.";
        return RedirectToPage("./ShowRecoveryCodes");
    }

    private RedirectToPageResult NotOn()
    {
        StatusMessage = "Recovery codes come with two-factor authentication: turn it on first.";
        return RedirectToPage("./TwoFactorAuthentication");
    }
}
