using Portal.Cli;

namespace Portal.Tests.Infrastructure;

/// Runs Portal's command line in process, capturing what it writes.
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PortalCli.RunAsync(args, output, error, settings);
        return (code, output.ToString(), error.ToString());
    }
}
