namespace Portal.Features.Account;

/// Keeps a user whose password must be changed on the change-password page until they have done so.
public static class MustChangePasswordMiddleware
{
    public const string ChangePasswordPath = "/Identity/Account/Manage/ChangePassword";

    private static readonly string[] AllowedPrefixes =
        [ChangePasswordPath, "/Identity/Account/Logout", "/Identity/lib", "/Identity/css", "/Identity/js", "/_content", "/_framework", "/css", "/js", "/favicon"];

    public static IApplicationBuilder UseMustChangePassword(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.User.HasClaim(c => c.Type == PortalClaimsFactory.MustChangePasswordClaim) &&
            !context.Request.Path.StartsWithSegments("/api") &&
            !AllowedPrefixes.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.Redirect(ChangePasswordPath);
            return Task.CompletedTask;
        }
        return next(context);
    });
}
