using System.CommandLine;
using System.CommandLine.Invocation;
using Portal.Features.Audit;

namespace Portal.Cli;

/// `Portal <command>`: the command-line face of the same program. Commands that need the database build the
/// app's services (same configuration as serving) without starting the web server.
public static class PortalCli
{
    private static readonly HashSet<string> Commands = ["migrate", "audit", "token", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var root = new RootCommand("Portal: multi-tenant token admin portal for Agora apps. Without a command, Portal serves.");
        root.Subcommands.Add(MigrateCommand(output, error, configuration));
        root.Subcommands.Add(AuditCommand(output, error, configuration));
        foreach (var command in CliExtensions.Commands(output, error)) root.Subcommands.Add(command);

        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction) return await CliParseErrors.ReportAsync(parsed, error);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Command MigrateCommand(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? configuration)
    {
        var command = new Command("migrate", "Apply pending database migrations, create the first admin if absent, and exit.");
        command.SetAction((_, ct) => WithAppAsync(error, configuration, async app =>
        {
            await PortalApp.InitializeAsync(app, ct);
            await output.WriteLineAsync("Database is up to date.");
            return 0;
        }));
        return command;
    }

    private static Command AuditCommand(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? configuration)
    {
        var verify = new Command("verify", "Walk the audit chain: exit 0 when intact, 1 naming the first broken event.");
        verify.SetAction((_, ct) => WithAppAsync(error, configuration, async app =>
        {
            var result = await app.Services.GetRequiredService<AuditChain>().VerifyAndRecordAsync(ct);
            await (result.Intact ? output : error).WriteLineAsync(result.Intact ? result.Message : $"Audit chain broken: {result.Message}");
            return result.Intact ? 0 : 1;
        }));
        var audit = new Command("audit", "Audit log tools.");
        audit.Subcommands.Add(verify);
        return audit;
    }

    private static async Task<int> WithAppAsync(TextWriter error, IReadOnlyDictionary<string, string?>? configuration,
        Func<WebApplication, Task<int>> action)
    {
        try
        {
            await using var app = PortalApp.Build([], builder =>
            {
                if (configuration is not null) builder.Configuration.AddInMemoryCollection(configuration);
                builder.Configuration["Portal:Jobs:RunServer"] = "false";
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            }, serve: false);
            return await action(app);
        }
        catch (StartupException ex)
        {
            await error.WriteLineAsync($"Portal: {ex.Message}");
            return 1;
        }
    }
}
