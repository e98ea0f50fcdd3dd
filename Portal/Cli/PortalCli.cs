using System.CommandLine;
using System.CommandLine.Invocation;
using Portal.Features.Audit;

namespace Portal.Cli;

/// `Portal <command>`: the command-line face of the same program. Commands that need the database build the
/// app's services (same configuration as serving) without starting the web server.
public static class PortalCli
{
    private static readonly HashSet<string> Commands = ["migrate", "migrate-data", "audit", "token", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var root = new RootCommand("Portal: multi-tenant token admin portal for Agora apps. Without a command, Portal serves.");
        root.Subcommands.Add(MigrateCommand(output, error, configuration));
        root.Subcommands.Add(MigrateDataCommand(output, error, configuration));
        root.Subcommands.Add(AuditCommand(output, error, configuration));
        foreach (var command in CliExtensions.Commands(output, error)) root.Subcommands.Add(command);

        // No response files: a user id or account that begins with `@` (`--user @alice`) is a value, not a file to expand.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
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

    private static Command MigrateDataCommand(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? configuration)
    {
        var from = new Option<string>("--from") { Description = "Path of the SQLite database to copy (portal.db in the data directory).", Required = true };
        var to = new Option<string>("--to") { Description = "Connection string of an empty PostgreSQL database, e.g. \"Host=db;Database=portal;Username=portal;Password=...\".", Required = true };
        var command = new Command("migrate-data",
            "Copy a SQLite installation (every table, the audit chain and the key ring as they are) into an empty PostgreSQL database, then verify the audit chain there.")
        {
            from, to,
        };
        command.SetAction((parsed, ct) => WithAppAsync(error, configuration, async app =>
        {
            var result = await DataCopier.CopyAsync(parsed.GetValue(from)!, parsed.GetValue(to)!, app.Services, output, ct);
            if (result.Tables.Count > 0)
            {
                await output.WriteLineAsync($"{"table",-24} {"SQLite",9} {"PostgreSQL",10}");
                foreach (var t in result.Tables) await output.WriteLineAsync($"{t.Table,-24} {t.Source,9} {t.Target,10}");
            }
            await (result.Ok ? output : error).WriteLineAsync(result.Ok ? result.Message : $"Portal migrate-data: {result.Message}");
            return result.Ok ? 0 : 1;
        }));
        return command;
    }

    private static Command AuditCommand(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? configuration)
    {
        var expectHead = new Option<string>("--expect-head")
        {
            HelpName = "SEQ:HASH",
            Description = "A head printed earlier by `Portal audit head`: fail unless the chain still contains it.",
        };
        var verify = new Command("verify", "Walk the audit chain: exit 0 when intact, 1 naming the first broken event.") { expectHead };
        verify.SetAction(async (parsed, ct) =>
        {
            var text = parsed.GetValue(expectHead);
            var expect = AuditHead.Parse(text);
            if (text is not null && expect is null)
            {
                await error.WriteLineAsync("--expect-head: head_invalid: give the head as SEQ:HASH, as `Portal audit head` prints it (e.g. 1042:3f5a…, 64 lowercase hex digits).");
                return 2;
            }
            return await WithAppAsync(error, configuration, async app =>
            {
                var result = await app.Services.GetRequiredService<AuditChain>().VerifyAndRecordAsync(ct, expect);
                var message = result.Intact && expect is not null ? $"{result.Message}; it contains the head {expect}" : result.Message;
                await (result.Intact ? output : error).WriteLineAsync(result.Intact ? message : $"Audit chain broken: {message}");
                return result.Intact ? 0 : 1;
            });
        });
        var head = new Command("head", "Verify the chain and print its head as SEQ:HASH, to keep outside Portal and give to `audit verify --expect-head` later.");
        head.SetAction((_, ct) => WithAppAsync(error, configuration, async app =>
        {
            var result = await app.Services.GetRequiredService<AuditChain>().VerifyAndRecordAsync(ct);
            if (!result.Intact)
            {
                await error.WriteLineAsync($"Audit chain broken: {result.Message}");
                return 1;
            }
            await output.WriteLineAsync(result.Head?.ToString() ?? "0:" + AuditHasher.GenesisHash);
            return 0;
        }));
        var audit = new Command("audit", "Audit log tools.");
        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(head);
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
                // Commands report their own failures; EF's connection error log (e.g. the probe before it creates a
                // new PostgreSQL database) would only repeat or confuse them.
                builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.None);
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
