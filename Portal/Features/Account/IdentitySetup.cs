using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

public static class IdentitySetup
{
    public const string PlatformAdminPolicy = "PlatformAdmin";

    /// ASP.NET Core Identity with the default Razor Pages UI (login, 2FA, recovery codes, password reset,
    /// account pages) plus the management-token scheme for /api/v1.
    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddScoped<AuditActorAccessor>();
        services.AddScoped<CircuitClient>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitClientHandler>();

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
        services.AddRazorPages();
        services.AddSingleton<ManagementTokenService>();
        services.AddScoped<ApiLoginService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AdminBootstrapper>();
        return builder;
    }
}
