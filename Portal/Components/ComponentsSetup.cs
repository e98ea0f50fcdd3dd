using MudBlazor.Services;

namespace Portal.Components;

public static class ComponentsSetup
{
    /// The admin UI's frame: interactive server components, the authentication state they cascade, MudBlazor.
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
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
        return builder;
    }

    /// The pages, mapped last: every feature's routes are in place before the components' fallback.
    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
