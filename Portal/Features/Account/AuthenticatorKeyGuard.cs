using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Portal.Data.Identity;

namespace Portal.Features.Account;

/// Identity UI's *Set up authenticator app* page shows the account's current key whenever one exists, also while 2FA
/// is on: whoever held a signed-in browser could copy the second factor into their own app, and its codes would then
/// pass every "confirm it is you". While 2FA is on the page is not shown; a new phone goes through *Reset authenticator
/// key*, which asks for the password or a code first and makes a new key.
public sealed class AuthenticatorKeyGuard : IAsyncPageFilter
{
    public const string Page = "/Account/Manage/EnableAuthenticator";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        if (await users.GetUserAsync(context.HttpContext.User) is { TwoFactorEnabled: true })
        {
            var tempData = services.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(context.HttpContext);
            tempData["StatusMessage"] = "Two-factor authentication is on, so its key is not shown again. To move to a new phone, reset the authenticator key.";
            context.Result = new RedirectToPageResult("/Account/Manage/TwoFactorAuthentication", new { area = "Identity" });
            return;
        }
        await next();
    }
}
