using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Usage;
using Portal.Tests.Infrastructure;
using Portal.Tokens;

namespace Portal.Tests.ScaleOut;

/// `Portal migrate-data`: a populated SQLite installation moves to PostgreSQL and keeps working there.
[Trait("Provider", "Postgres")]
public sealed class MigrateDataTests
{
    private static readonly Dictionary<string, string?> OnSqlite = new() { ["Portal:Database:Provider"] = "Sqlite" };

    [Fact]
    public async Task MigrateData_CopiesEveryTable_AndTheCopyWorksOnPostgres()
    {
        var target = await TestDatabase.CreatePostgresAsync("portal_migrated_" + Guid.NewGuid().ToString("N")[..8]);
        string dataDirectory, key, certificate;
        Guid projectId;
        Dictionary<string, long> sourceCounts;
        await using (var sqlite = new PortalAppFactory(settings: OnSqlite))
        {
            var project = await TokenProject.CreateAsync(sqlite);
            (key, _) = await project.KeyAsync();
            (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 })).EnsureSuccessStatusCode();
            await sqlite.Services.GetRequiredService<AuditChain>().VerifyAndRecordAsync(TestContext.Current.CancellationToken);
            (dataDirectory, projectId, certificate) = (sqlite.DataDirectory, project.ProjectId, project.Certificate);
            // The counters are written now rather than left to the flush on stop, which this test is not about.
            await sqlite.Services.GetRequiredService<UsageFlusher>().FlushAsync(TestContext.Current.CancellationToken);
        }
        await using (var db = new PortalDbContext(DataSetup.Database(DataSetup.Sqlite, null, new DataDirectory(dataDirectory, dataDirectory)).Options()))
            sourceCounts = new()
            {
                ["AuditEvents"] = await db.AuditEvents.CountAsync(TestContext.Current.CancellationToken),
                ["UsageCounters"] = await db.UsageCounters.IgnoreQueryFilters().CountAsync(TestContext.Current.CancellationToken),
                ["DataProtectionKeys"] = await db.DataProtectionKeys.CountAsync(TestContext.Current.CancellationToken),
            };
        Assert.All(sourceCounts.Values, n => Assert.True(n > 0));

        var (code, output, error) = await CliAsync(["migrate-data", "--from", Path.Combine(dataDirectory, "portal.db"), "--to", target]);

        Assert.True(code == 0, error + output);
        Assert.Contains("audit chain on the target", output);
        foreach (var (table, n) in sourceCounts)
            Assert.Matches($@"(?m)^{table}\s+{n}\s+{n}\s*$", output);

        // The same data directory (its master key) on the PostgreSQL copy: the key, the certificate (decrypted with
        // the copied key ring) and the audit chain all carry over, and new rows get fresh ids.
        await using var postgres = new PortalAppFactory(dataDirectory, new Dictionary<string, string?>
        {
            ["Portal:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Portal"] = target,
        });
        var client = postgres.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var issued = await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 2 }, TestContext.Current.CancellationToken);
        var token = (await issued.JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;
        Assert.True(AccessToken2.Parse(token).VerifySignature(certificate));
        var chain = await postgres.Services.GetRequiredService<AuditChain>().VerifyAndRecordAsync(TestContext.Current.CancellationToken);
        Assert.True(chain.Intact, chain.Message);
        Assert.Equal(sourceCounts["AuditEvents"], chain.EventsChecked);
        await using (var db = await postgres.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
            Assert.Equal(2, await db.AuditVerifications.CountAsync(TestContext.Current.CancellationToken));
        // The drop-in route names the project by its id: the copied id is the same project on PostgreSQL.
        var dropIn = await client.GetAsync($"/compat/{projectId}/access_token?channel=c&uid=3&expiredTs=60", TestContext.Current.CancellationToken);
        Assert.True(AccessToken2.Parse((await dropIn.JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!).VerifySignature(certificate));
    }

    [Fact]
    public async Task MigrateData_IntoANonEmptyDatabase_RefusesAndChangesNothing()
    {
        var target = await TestDatabase.CreatePostgresAsync("portal_migrated_" + Guid.NewGuid().ToString("N")[..8]);
        var directory = TempDirectory.Create();
        var settings = new Dictionary<string, string?>(OnSqlite) { ["Portal:DataDirectory"] = directory, ["Portal:Jobs:Storage"] = "InMemory" };
        Assert.Equal(0, (await CliAsync(["migrate"], settings)).Code);
        Assert.Equal(0, (await CliAsync(["migrate-data", "--from", Path.Combine(directory, "portal.db"), "--to", target])).Code);

        var before = await TargetCountsAsync(target);

        var (code, _, error) = await CliAsync(["migrate-data", "--from", Path.Combine(directory, "portal.db"), "--to", target]);

        Assert.Equal(1, code);
        Assert.Contains("already holds data", error);
        Assert.Contains("AspNetUsers (1)", error);
        Assert.Equal(before, await TargetCountsAsync(target));
    }

    [Fact]
    public async Task MigrateData_FromAMissingFile_ExplainsWhatItExpected()
    {
        var (code, _, error) = await CliAsync(["migrate-data", "--from", "/nonexistent/portal.db", "--to", "Host=127.0.0.1;Database=unused"]);
        Assert.Equal(1, code);
        Assert.Contains("no SQLite database at '/nonexistent/portal.db'", error);
    }

    private static async Task<(long Users, long Events, int Migrations)> TargetCountsAsync(string target)
    {
        await using var db = new PortalDbContext(new PortalDatabase(DataSetup.Postgres, target).Options());
        var ct = TestContext.Current.CancellationToken;
        return (await db.Users.LongCountAsync(ct), await db.AuditEvents.LongCountAsync(ct), (await db.Database.GetAppliedMigrationsAsync(ct)).Count());
    }

    private static Task<(int Code, string Output, string Error)> CliAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null) =>
        CliRunner.RunAsync(args, settings ?? new Dictionary<string, string?>(OnSqlite) { ["Portal:DataDirectory"] = TempDirectory.Create(), ["Portal:Jobs:Storage"] = "InMemory" });
}
