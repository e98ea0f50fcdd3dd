using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Api;
using Portal.Components;
using Portal.Data;
using Portal.Features.Account;
using Portal.Features.Audit;
using Portal.Features.ClientSdk;
using Portal.Features.Dashboard;
using Portal.Features.Organizations;
using Portal.Features.Reports;
using Portal.Features.TokenIssuance;
using Portal.Health;
using Portal.Jobs;
using Portal.Security;

namespace Portal;

/// The table of contents: each line registers or maps one room of the house; the rooms hold the details.
public static class PortalApp
{
    /// <param name="serve">false for command-line use: services only, no HTTP pipeline.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, bool serve = true)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditLog>();

        builder.AddPortalData();
        builder.AddPortalSecrets();
        builder.AddPortalIdentity();
        builder.AddPortalAdminCore();
        builder.AddPortalAudit();
        builder.AddPortalTokenApi();
        builder.AddPortalReports();
        builder.AddPortalDashboard();
        builder.AddPortalJobs();
        builder.AddPortalApi();
        builder.AddPortalHealth();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddMudServices(c =>
        {
            c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
            // Room for a burst of results: a queued snackbar is a result the user does not see (the journey test
            // caught "Policy saved" waiting behind three earlier messages while the pointer rested on them).
            c.SnackbarConfiguration.MaxDisplayedSnackbars = 5;
            c.SnackbarConfiguration.VisibleStateDuration = 4000;
        });

        var app = builder.Build();
        if (!serve) return app;
        var options = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;

        if (!app.Environment.IsDevelopment()) app.UseHsts(); // HSTS is only ever sent over HTTPS
        app.UsePortalSecurityHeaders();
        app.UsePortalApiErrors();
        app.UseTokenCors();
        app.UseClientSdkCors();
        if (options.HttpsRedirection) app.UseHttpsRedirection();

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMustChangePassword();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorPages();
        app.MapPortalHealth();
        app.MapPortalApiDocs();
        app.MapAccountApi();
        app.MapPortalAdminCore();
        app.MapAuditApi();
        app.MapPortalTokenApi();
        app.MapClientSdk();
        app.MapPortalReports();
        app.MapAuthenticatorQrCode();
        app.UsePortalJobs();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// Runs before serving and by `Portal migrate`: schema, master key, first admin. Safe to run on every start.
    public static async Task InitializeAsync(WebApplication app, CancellationToken ct)
    {
        app.Services.GetRequiredService<MasterKey>(); // fail fast on a missing or malformed key
        var migrator = app.Services.GetRequiredService<DatabaseMigrator>();
        await using var startup = await migrator.StartupLockAsync(ct); // replicas on PostgreSQL take turns
        await migrator.MigrateAsync(ct);
        JobsSetup.InitializeJobs(app);
        await app.Services.GetRequiredService<AdminBootstrapper>().RunAsync(ct);
    }
}
