using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Portal.Jobs;

/// Hangfire keeps its log provider in a static, so in a process with several app instances (the test suite) it can
/// point at the loggers of an instance already disposed, and Hangfire then throws ObjectDisposedException while
/// creating a job client. This provider forwards to an app's ILoggerFactory and drops a message instead when that
/// factory is gone. In a normal process there is one app and nothing changes.
public sealed class ResilientHangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new ForwardingLog(factory, name);

    private sealed class ForwardingLog(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? _logger;

        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                var logger = _logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    HangfireLevel.Trace => MsLogLevel.Trace,
                    HangfireLevel.Debug => MsLogLevel.Debug,
                    HangfireLevel.Info => MsLogLevel.Information,
                    HangfireLevel.Warn => MsLogLevel.Warning,
                    HangfireLevel.Error => MsLogLevel.Error,
                    _ => MsLogLevel.Critical,
                };
                if (messageFunc is null) return logger.IsEnabled(level); // Hangfire asks "is this level on?" this way
                if (!logger.IsEnabled(level)) return false;
#pragma warning disable CA2254 // the message is Hangfire's, already formatted
                logger.Log(level, exception, messageFunc());
#pragma warning restore CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
