using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.ScaleOut;

/// One real Portal process (the built Portal.dll, not a test host) on a loopback port, configured like a replica:
/// PostgreSQL database and Hangfire storage shared with its siblings, the same master key and bootstrap admin.
public sealed class PortalReplica : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PortalReplica(Process process, Uri baseAddress) { _process = process; BaseAddress = baseAddress; }

    public Uri BaseAddress { get; }

    /// stdout and stderr so far, for failure messages.
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static PortalReplica Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [PortalBinary.DllPath, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(PortalBinary.DllPath)!,
        };
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Portal__DataDirectory"] = TempDirectory.Create();
        start.Environment["Portal__HttpsRedirection"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Portal__WarmUp__Seconds"] = "0.5"; // the real start-up path, briefly
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        var replica = new PortalReplica(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => replica.Append(name, e.Data);
        process.ErrorDataReceived += (_, e) => replica.Append(name, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return replica;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Portal exited with {_process.ExitCode} during start:\n{Log}");
            try
            {
                if ((await http.GetAsync("readyz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Portal not ready after {timeout}:\n{Log}");
            await Task.Delay(200);
        }
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return client;
    }

    private void Append(string name, string? line)
    {
        if (line is null) return;
        lock (_log) _log.Append(name).Append(": ").AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(timeout.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }
}
