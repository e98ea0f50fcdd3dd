using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Infrastructure;

/// The real app on a temp database (SQLite file, or a PostgreSQL database per data directory when the suite runs
/// with PORTAL_TEST_PROVIDER=Postgres, see <see cref="TestDatabase"/>) and in-memory Hangfire. Each factory owns its data directory, so tests
/// never share state; pass an existing directory to simulate a restart on the same data.
public class PortalAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public PortalAppFactory() : this(null) { }

    // Not public: xunit class fixtures need exactly one public constructor.
    internal PortalAppFactory(string? dataDirectory = null, IDictionary<string, string?>? settings = null, FakeTimeProvider? clock = null)
    {
        DataDirectory = dataDirectory ?? TempDirectory.Create();
        Clock = clock;
        _settings = new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = DataDirectory,
            ["Portal:Jobs:Storage"] = "InMemory",
            ["Portal:HttpsRedirection"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
            // Every test request comes from the same (absent) address: suites that fail many sign-ins on purpose must
            // not throttle each other. LoginThrottleTests sets the production value back.
            ["Portal:Security:LoginFailuresPerAddress"] = "100000",
            // Seconds of calls before /readyz, for a server that is about to be tested anyway: TokenWarmUpTests turn it on.
            ["Portal:WarmUp:Enabled"] = "false",
        };
        foreach (var (key, value) in TestDatabase.Settings(DataDirectory)) _settings[key] = value;
        if (settings is not null)
            foreach (var (key, value) in settings) _settings[key] = value;
    }

    public string DataDirectory { get; }
    public FakeTimeProvider? Clock { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
        // Outside Development, static web assets (MudBlazor, Identity UI) come from a publish folder; tests run from the build.
        builder.UseStaticWebAssets();
        if (Clock is not null)
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, ClientAddressStartupFilter>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TestDatabase.ReleasePool(DataDirectory);
        GC.SuppressFinalize(this);
    }

    public HttpClient CreateBrowserLikeClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}

public static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}

public static class TestClock
{
    /// Now, to the whole second: stored times keep 0.1 ms on SQLite, so a clock with whole seconds compares exactly.
    public static FakeTimeProvider Create() =>
        new(new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
}
