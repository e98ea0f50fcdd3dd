using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.E2E;

/// The real app on Kestrel (random port) and Debian's Chromium driven by Playwright; no browser download.
public sealed class BrowserFixture : IAsyncLifetime
{
    /// The xUnit collection every browser test class is in, so that they run one at a time (each still has its own app).
    public const string Collection = "Browser";

    public BrowserFixture() : this(null) { }

    /// A browser on an app with extra settings (a fixture of its own, e.g. pointing Portal at a fake Agora).
    internal BrowserFixture(IDictionary<string, string?>? settings) => App = new KestrelPortalAppFactory(settings, Journal);

    public PortalAppFactory App { get; }

    /// What the pages and the server did in the current test; each test class writes it out when a test fails.
    public BrowserJournal Journal { get; } = new();
    private IBrowser Browser { get; set; } = null!;
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
        // An expectation waits up to 15 s (Playwright's default is 5 s): on 2 cores shared with the rest of the suite, a
        // circuit's round trip can take longer than that without anything being wrong.
        Assertions.SetDefaultExpectTimeout(15_000);
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

    /// A fresh browser profile (no cookies) with a desktop-sized window.
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900, bool downloads = false) =>
        OpenContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = downloads });

    /// A fresh browser profile with the given options, its pages watched by the <see cref="Journal"/>.
    public async Task<IBrowserContext> OpenContextAsync(BrowserNewContextOptions options)
    {
        var context = await Browser.NewContextAsync(options);
        Journal.Watch(context);
        return context;
    }

    /// Signs in on the login page and waits until <paramref name="returnUrl"/> is open and its circuit runs (clicks made
    /// before that are lost).
    public async Task SignInAsync(IPage page, string email, string returnUrl, string password = TestUsers.Password)
    {
        await page.GotoAsync($"{BaseUrl}/Identity/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", password);
        await page.ClickAsync("#login-submit");
        await UrlAsync(page, new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(returnUrl) + "$"));
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    /// Waits until the page's address matches, by polling it. Not WaitForURLAsync: that reads the address, then listens
    /// for the next navigation, and a Blazor navigation (history.pushState) that lands in between is never seen: on a
    /// busy CI machine the journey test waited 30 s on a page that was already there.
    public static Task UrlAsync(IPage page, System.Text.RegularExpressions.Regex url) =>
        Assertions.Expect(page).ToHaveURLAsync(url, new() { Timeout = 30_000 });

    /// A full-page screenshot under the test results, animations stopped.
    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = ScreenshotPath(name), FullPage = true, Animations = ScreenshotAnimations.Disabled });

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
        private readonly BrowserJournal _journal;

        public KestrelPortalAppFactory(IDictionary<string, string?>? settings, BrowserJournal journal) : base(settings: settings)
        {
            _journal = journal;
            UseKestrel(0);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(_journal));
        }
    }
}
