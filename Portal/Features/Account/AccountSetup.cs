using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Data.Identity;

namespace Portal.Features.Account;

public static class AccountSetup
{
    public const string PlatformAdminPolicy = "PlatformAdmin";

    /// Accounts: ASP.NET Core Identity with the default Razor Pages UI (login, 2FA, recovery codes, password reset,
    /// account pages), the management-token scheme for /api/v1, sign-in throttling and the first admin.
    public static WebApplicationBuilder AddAccount(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();

        services.AddDefaultIdentity<PortalUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false; // accounts are created by admins and invitations, not self-service
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Tokens.AuthenticatorTokenProvider = TotpTokenProvider.Name;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddUserManager<PortalUserManager>()
            .AddSignInManager<PortalSignInManager>()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddTokenProvider<TotpTokenProvider>(TotpTokenProvider.Name);

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "portal.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/Identity/Account/Login";
            o.LogoutPath = "/Identity/Account/Logout";
            o.AccessDeniedPath = "/Identity/Account/AccessDenied";
        });
        // A changed password or 2FA setting renews the security stamp; other sessions with the old one end this soon.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = SessionRevalidation.Interval);
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidation>();
        services.Configure<CookiePolicyOptions>(o =>
        {
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
            o.HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always;
            o.Secure = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ManagementTokenAuthenticationHandler>(ManagementTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PlatformAdminPolicy, p => p.RequireRole(PortalRoles.PlatformAdmin))
            .AddPolicy(ManagementTokenAuthenticationHandler.PolicyName, p => p
                .AddAuthenticationSchemes(ManagementTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());

        // Self-registration is off: Areas/Identity/Pages/Account/Register.cshtml overrides the default UI page with a 404.
        services.AddRazorPages(o => o.Conventions.AddAreaPageApplicationModelConvention("Identity", AuthenticatorKeyGuard.Page,
            page => page.Filters.Add(new AuthenticatorKeyGuard())));
        services.AddSingleton<ManagementTokenService>();
        services.AddScoped<ApiLoginService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AdminBootstrapper>();
        return builder;
    }

    /// The account API (`/api/v1/auth/token`, `/api/v1/me`), the authenticator QR code and the Identity UI pages.
    public static WebApplication MapAccount(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapAccountApi();
        app.MapAuthenticatorQrCode();
        return app;
    }
}
