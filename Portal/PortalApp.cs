using Microsoft.Extensions.Options;
using Portal.Api;
using Portal.Components;
using Portal.Data;
using Portal.Features.Account;
using Portal.Features.AgoraOps;
using Portal.Features.ApiKeys;
using Portal.Features.Audit;
using Portal.Features.Certificates;
using Portal.Features.ClientSdk;
using Portal.Features.Dashboard;
using Portal.Features.Inspector;
using Portal.Features.Notifications;
using Portal.Features.Organizations;
using Portal.Features.Policies;
using Portal.Features.Projects;
using Portal.Features.TokenExchange;
using Portal.Features.TokenIssuance;
using Portal.Features.Usage;
using Portal.Health;
using Portal.Jobs;
using Portal.Mail;
using Portal.Security;

namespace Portal;

/// The table of contents: the house's shared parts, then one line per feature folder, in the order of the product.
/// Each feature's Setup registers its own types, maps its own routes and registers its own recurring jobs.
public static class PortalApp
{
    /// <param name="serve">false for command-line use: services only, no HTTP pipeline.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, bool serve = true)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // The house: data, secrets, the API's conventions, jobs, health, mail, the UI's frame.
        builder.AddPortalData();
        builder.AddPortalSecrets();
        builder.AddPortalApi();
        builder.AddPortalJobs();
        builder.AddPortalHealth();
        builder.AddPortalMail();
        builder.AddPortalUi();

        // The features.
        builder.AddAccount();
        builder.AddAudit();
        builder.AddOrganizations();
        builder.AddProjects();
        builder.AddCertificates();
        builder.AddPolicies();
        builder.AddApiKeys();
        builder.AddTokenIssuance();
        builder.AddTokenExchange();
        builder.AddInspector();
        builder.AddUsage();
        builder.AddNotifications();
        builder.AddDashboard();
        builder.AddClientSdk();
        builder.AddAgoraOps();

        var app = builder.Build();
        if (!serve) return app;
        var options = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;

        // The pipeline, in the order a request meets it.
        if (!app.Environment.IsDevelopment()) app.UseHsts(); // HSTS is only ever sent over HTTPS
        app.UsePortalSecurityHeaders();
        app.UsePortalApiErrors();
        app.UseTokenCors();
        app.UseClientSdkCors();
        if (options.HttpsRedirection) app.UseHttpsRedirection();
        // Routing after the edge that every answer needs (above) and before the sign-in machinery: the token routes
        // short-circuit here (TokenEndpoints, CompatEndpoints), so the hot path skips what follows.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMustChangePassword();
        app.UseAntiforgery();

        // The routes.
        app.MapStaticAssets();
        app.MapPortalHealth();
        app.MapPortalApiDocs();
        app.MapAccount();
        app.MapAudit();
        app.MapOrganizations();
        app.MapProjects();
        app.MapCertificates();
        app.MapPolicies();
        app.MapApiKeys();
        app.MapTokenIssuance();
        app.MapTokenExchange();
        app.MapUsage();
        app.MapNotifications();
        app.MapClientSdk();
        app.MapAgoraOps();
        app.UsePortalJobs();
        app.MapPortalUi();
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
