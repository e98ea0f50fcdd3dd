using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Data.Identity;
using Portal.Features.Account;

namespace Portal.Areas.Identity.Pages.Account.Manage;

/// The shape of the pages that weaken the second factor (turn 2FA off, reset its key, new recovery codes): the page
/// is shown only where it applies, and its change runs only after <see cref="SecondFactorConfirmation"/> passed.
public abstract class SecondFactorChangeModel(PortalUserManager users) : PageModel
{
    [TempData] public string? StatusMessage { get; set; }

    [BindProperty] public SecondFactorConfirmation Input { get; set; } = new();

    public string? Error { get; protected set; }

    protected PortalUserManager Users => users;

    /// Where to go instead when the page does not apply to this user (null: it applies).
    protected virtual IActionResult? Elsewhere(PortalUser user) => null;

    /// The change, once confirmed: where to go next, or null (with <see cref="Error"/> set) to stay on the page.
    protected abstract Task<IActionResult?> ChangeAsync(PortalUser user);

    public async Task<IActionResult> OnGetAsync() =>
        await users.GetUserAsync(User) is { } user ? Elsewhere(user) ?? Page() : Challenge();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (Elsewhere(user) is { } other) return other;
        Error = await Input.RefusalAsync(users, user);
        if (Error is not null) return Page();
        return await ChangeAsync(user) ?? Page();
    }

    /// Back to the two-factor page, saying <paramref name="message"/> there.
    protected RedirectToPageResult BackWith(string message)
    {
        StatusMessage = message;
        return RedirectToPage("./TwoFactorAuthentication");
    }
}
