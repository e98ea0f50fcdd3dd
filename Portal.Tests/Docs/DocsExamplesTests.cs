using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Docs;

/// The docs' shell examples run as written, top to bottom in one shell, against a real Portal on Kestrel: only the
/// placeholders a reader replaces (address, key, token, password) are filled in. Every curl fails the run on a non-2xx
/// answer. Curl and jq are the reader's tools too (test.sh installs them when missing).
public sealed partial class DocsExamplesTests : IAsyncLifetime
{
    private const string AdminPassword = "docs admin passphrase";
    private readonly DocsApp _app = new();
    private string _port = "";

    public ValueTask InitializeAsync()
    {
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TokenApiDoc_CurlExamples_AllSucceed()
    {
        var ct = TestContext.Current.CancellationToken;
        var project = await TokenProject.CreateAsync(_app);
        var (key, _) = await project.KeyAsync();
        var (publishable, _) = await project.KeyAsync(kind: "publishable");
        var minted = await (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "room-1", uid = 42 }, ct))
            .JsonAsync(System.Net.HttpStatusCode.OK);

        var (script, commands) = Script("token-api.md", new()
        {
            ["sk_live_..."] = key,
            ["\"007eJxT...\""] = $"\"{minted.GetProperty("token").GetString()}\"",
        });
        Assert.True(commands >= 12, $"only {commands} curl commands found in docs/token-api.md");
        await RunAsync(script, new() { ["PUBLISHABLE_KEY"] = publishable, ["PROJECT_ID"] = project.ProjectId.ToString() }, ct);
    }

    [Fact]
    public async Task AdminGuide_CurlExamples_AllSucceed_FromSignInToAnUnlimitedKey()
    {
        var (script, commands) = Script("admin-guide.md", new() { ["your password"] = AdminPassword });
        Assert.True(commands >= 14, $"only {commands} curl commands found in docs/admin-guide.md");
        await RunAsync(script, [], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Readme_FirstTokenCurl_Succeeds()
    {
        var project = await TokenProject.CreateAsync(_app);
        var (key, _) = await project.KeyAsync();
        var (script, commands) = Script("../README.md", new() { ["sk_live_..."] = key });
        Assert.Equal(1, commands);
        await RunAsync(script, [], TestContext.Current.CancellationToken);
    }

    /// Every ```bash block of the doc that calls curl, in order (indented ones, in a list, dedented), placeholders replaced.
    private (string Script, int Commands) Script(string doc, Dictionary<string, string> placeholders)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", doc));
        var blocks = BashBlock().Matches(text)
            .Select(m => string.Join("\n", m.Groups[2].Value.Split('\n').Select(l => l.StartsWith(m.Groups[1].Value) ? l[m.Groups[1].Value.Length..] : l)))
            .Where(b => b.Contains("curl ")).ToList();
        var script = string.Join("\n", blocks).Replace("localhost:5080", $"127.0.0.1:{_port}");
        foreach (var (placeholder, value) in placeholders) script = script.Replace(placeholder, value);
        return (script, Regex.Matches(script, @"\bcurl ").Count);
    }

    private static async Task RunAsync(string script, Dictionary<string, string> environment, CancellationToken ct)
    {
        var work = TempDirectory.Create(); // where `> audit.jsonl` and the like land
        var start = new ProcessStartInfo("bash", ["-c",
            "set -euo pipefail\ncurl() { command curl --fail-with-body --show-error --max-time 30 \"$@\"; }\n" + script + "\n"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var all = await output + await error;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n{all}\n--- script ---\n{script}");
        // Every answer that is JSON parses, and none is a problem (curl --fail-with-body already refused non-2xx).
        Assert.DoesNotContain("\"code\":", await output);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test binaries");
    }

    [GeneratedRegex(@"^( *)```bash\n(.*?)^ *```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// Kestrel on a free port, with the first admin's password known (as the bootstrap settings allow).
    private sealed class DocsApp : PortalAppFactory
    {
        public DocsApp() : base(settings: new Dictionary<string, string?>
        {
            ["Portal:Bootstrap:AdminEmail"] = "admin@localhost",
            ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
        }) => UseKestrel(0);
    }
}
