using Portal;
using Portal.Cli;

// With a command (`Portal migrate`, `Portal audit verify`, `Portal token ...`, `--help`) Portal is a command-line tool;
// without one it serves. Composition of the app is in PortalApp; this file only chooses.
if (PortalCli.IsCommand(args))
    return await PortalCli.RunAsync(args, Console.Out, Console.Error);

try
{
    var app = PortalApp.Build(args);
    await PortalApp.InitializeAsync(app, CancellationToken.None);
    await app.RunAsync();
    return 0;
}
catch (StartupException ex)
{
    await Console.Error.WriteLineAsync($"Portal cannot start: {ex.Message}");
    return 1;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Portal cannot start: {string.Join(" ", ex.Failures)}");
    return 1;
}

/// Visible to WebApplicationFactory in the tests.
public partial class Program;
