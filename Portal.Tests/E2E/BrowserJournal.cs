using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Portal.Tests.E2E;

/// What the browser and the server did during one browser test, written to the test's output when it fails. A
/// Playwright timeout alone does not say whether the circuit dropped, the server threw or the click never arrived, and
/// CI keeps only the console output.
public sealed class BrowserJournal : ILoggerProvider
{
    private const int MaxLines = 400;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _pages;

    public void Add(string line)
    {
        _lines.Enqueue($"{_clock.Elapsed.TotalSeconds,7:F2}s {line}");
        while (_lines.Count > MaxLines) _lines.TryDequeue(out _);
    }

    /// Every page the context opens reports its navigations, script errors, failed requests and closed circuits.
    public void Watch(IBrowserContext context) => context.Page += (_, page) => Watch(page);

    private void Watch(IPage page)
    {
        var name = $"page {Interlocked.Increment(ref _pages)}";
        Add($"{name} opened");
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) Add($"{name} at {frame.Url}"); };
        page.Console += (_, message) => { if (message.Type is "error" or "warning") Add($"{name} console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => Add($"{name} script error: {error}");
        page.RequestFailed += (_, request) => Add($"{name} request failed: {request.Method} {request.Url} ({request.Failure})");
        page.Crash += (_, _) => Add($"{name} crashed");
        page.WebSocket += (_, socket) =>
        {
            Add($"{name} websocket opened: {socket.Url}");
            socket.Close += (_, _) => Add($"{name} websocket closed: {socket.Url}");
            socket.SocketError += (_, error) => Add($"{name} websocket error: {error}");
        };
    }

    /// Writes the journal to the output of a test that failed, then starts afresh for the class's next test.
    public void WriteIfFailed()
    {
        var test = TestContext.Current;
        if (test.TestState?.Result == TestResult.Failed && test.TestOutputHelper is { } output)
        {
            output.WriteLine("What the browser and the server did (warnings and errors only from the server):");
            foreach (var line in _lines) output.WriteLine(line);
        }
        _lines.Clear();
        _clock.Restart();
    }

    ILogger ILoggerProvider.CreateLogger(string categoryName) => new Logger(this, categoryName);

    void IDisposable.Dispose() { }

    private sealed class Logger(BrowserJournal journal, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"server {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null) line += $" [{exception.GetType().Name}: {exception.Message}]";
            journal.Add(line);
        }
    }
}
