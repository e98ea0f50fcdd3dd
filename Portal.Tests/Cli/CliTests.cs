using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Cli;

public sealed class CliTests
{
    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var (code, output, _) = await RunAsync(["--help"]);
        Assert.Equal(0, code);
        Assert.Contains("migrate", output);
        Assert.Contains("audit", output);
    }

    [Fact]
    public async Task Migrate_CreatesTheDatabase_ThenAuditVerify_Passes()
    {
        var dir = TempDirectory.Create();
        var settings = new Dictionary<string, string?>(TestDatabase.Settings(dir)) { ["Portal:DataDirectory"] = dir, ["Portal:Jobs:Storage"] = "InMemory" };

        var (migrate, output, migrateError) = await RunAsync(["migrate"], settings);
        Assert.True(migrate == 0, migrateError);
        Assert.Contains("up to date", output);
        if (!TestDatabase.IsPostgres) Assert.True(File.Exists(Path.Combine(dir, "portal.db")));

        var (verify, verifyOutput, _) = await RunAsync(["audit", "verify"], settings);
        Assert.Equal(0, verify);
        Assert.Contains("intact", verifyOutput);
    }

    [Fact]
    public async Task AuditVerify_OnBrokenChain_Exits1NamingTheEvent()
    {
        var dir = TempDirectory.Create();
        var settings = new Dictionary<string, string?>(TestDatabase.Settings(dir)) { ["Portal:DataDirectory"] = dir, ["Portal:Jobs:Storage"] = "InMemory" };
        var (migrated, _, migrateError) = await RunAsync(["migrate"], settings);
        Assert.True(migrated == 0, migrateError);
        await using (var db = new PortalDbContext(TestDatabase.Options(dir)))
            await db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEvents\" SET \"ActorName\" = 'someone else' WHERE \"Sequence\" = 1", TestContext.Current.CancellationToken);

        var (code, _, error) = await RunAsync(["audit", "verify"], settings);
        Assert.Equal(1, code);
        Assert.Contains("event 1", error);
    }

    [Fact]
    public async Task UnknownSubcommand_ExitsNonZero()
    {
        var (code, _, error) = await RunAsync(["audit", "frobnicate"]);
        Assert.NotEqual(0, code);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null) =>
        CliRunner.RunAsync(args, settings);
}
