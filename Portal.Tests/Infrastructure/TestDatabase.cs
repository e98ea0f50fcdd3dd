using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// Which database the integration suite runs on: SQLite files (the default) or PostgreSQL, chosen with
/// PORTAL_TEST_PROVIDER=Postgres; test.sh runs the suite once per provider. On PostgreSQL every data directory
/// gets a database of its own on the server in PORTAL_TEST_PG (started by .ci/postgres.sh), named after the
/// directory, so a test that "restarts" on the same directory finds its data again.
public static class TestDatabase
{
    public static string Provider { get; } = Environment.GetEnvironmentVariable("PORTAL_TEST_PROVIDER") is { Length: > 0 } p ? p : DataSetup.Sqlite;

    public static bool IsPostgres => Provider == DataSetup.Postgres;

    /// The PostgreSQL server for the tests. Missing: a PostgreSQL test is skipped on a developer machine, but
    /// fails in CI, where test.sh always starts one, so the suite can never pass by not running them.
    public static string PostgresServer
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PORTAL_TEST_PG") is { Length: > 0 } server) return server;
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) || IsPostgres)
                throw new InvalidOperationException("PORTAL_TEST_PG is not set: run the tests through test.sh, which starts PostgreSQL (.ci/postgres.sh).");
            Assert.Skip("PORTAL_TEST_PG is not set (test.sh starts a PostgreSQL server and sets it).");
            return "";
        }
    }

    /// The configuration that points Portal at this data directory's database.
    public static Dictionary<string, string?> Settings(string dataDirectory) => IsPostgres
        ? new() { ["Portal:Database:Provider"] = DataSetup.Postgres, ["ConnectionStrings:Portal"] = PostgresConnectionString(NameFor(dataDirectory)) }
        : new() { ["Portal:Database:Provider"] = DataSetup.Sqlite };

    /// Options for a PortalDbContext on the data directory's database, for tests that look under the app.
    public static DbContextOptions<PortalDbContext> Options(string dataDirectory) => DataSetup.Database(
        IsPostgres ? DataSetup.Postgres : DataSetup.Sqlite, IsPostgres ? PostgresConnectionString(NameFor(dataDirectory)) : null,
        new DataDirectory(dataDirectory, dataDirectory)).Options();

    /// A fresh, empty database on the test server (dropped first if a previous run left one).
    public static async Task<string> CreatePostgresAsync(string name)
    {
        await using (var admin = new NpgsqlConnection(PostgresServer + ";Database=postgres"))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        return PostgresConnectionString(name);
    }

    /// Pools stay small and idle connections close quickly: one test run opens many databases on one server.
    public static string PostgresConnectionString(string database) =>
        $"{PostgresServer};Database={database};Maximum Pool Size=20;Connection Idle Lifetime=5;Connection Pruning Interval=2";

    /// Returns the idle connections of a database's pool to the server (a disposed app's pool would keep them).
    public static void ReleasePool(string dataDirectory)
    {
        if (!IsPostgres) return;
        using var connection = new NpgsqlConnection(PostgresConnectionString(NameFor(dataDirectory)));
        NpgsqlConnection.ClearPool(connection);
    }

    public static string NameFor(string dataDirectory) =>
        "portal_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16];
}
