using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The real app on Kestrel (random port) and Debian's Chromium driven by Playwright; no browser download.
public sealed class BrowserFixture : IAsyncLifetime
{
    public PortalAppFactory App { get; } = new KestrelPortalAppFactory();
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? _playwright;

    public string BaseUrl
    {
        get
        {
            App.StartServer();
            return App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        }
    }

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }

    /// Screenshots go under the test results so CI keeps them (E2E_SCREENSHOT_DIR overrides).
    public static string ScreenshotPath(string name)
    {
        var dir = Environment.GetEnvironmentVariable("E2E_SCREENSHOT_DIR")
                  ?? Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    private sealed class KestrelPortalAppFactory : PortalAppFactory
    {
        public KestrelPortalAppFactory() => UseKestrel(0);
    }
}
