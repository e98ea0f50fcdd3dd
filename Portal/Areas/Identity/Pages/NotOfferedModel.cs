using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Portal.Areas.Identity.Pages;

/// Stands in for an Identity UI page that Portal does not offer, answering 404 as if it did not exist:
/// self-registration and its confirmation (accounts come from the platform admin and invitations; the confirmation
/// page would tell an anonymous caller whether an e-mail has an account), and the personal-data pages (deleting an
/// account would bypass the last-Owner rule and the audit log; the download hands out the authenticator key without
/// asking for the password again). Account removal goes through an Owner or the platform admin.
[IgnoreAntiforgeryToken]
public sealed class NotOfferedModel : PageModel
{
    public IActionResult OnGet() => NotFound();

    public IActionResult OnPost() => NotFound();
}
