using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Portal.Data;

/// Applies pending migrations (at start and by `Portal migrate`) and sets the SQLite journal mode.
public sealed class DatabaseMigrator(IDbContextFactory<PortalDbContext> dbs, PortalDatabase database, ILogger<DatabaseMigrator> log)
{
    /// Arbitrary, fixed: the PostgreSQL advisory lock that start-up work holds.
    private const long StartupLockKey = 0x506F7274616C0001; // "Portal" + 1

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers proceed while one writer commits; the setting is stored in the file, once.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        await db.Database.MigrateAsync(ct);
        if (pending.Count > 0)
            log.LogInformation("Applied {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        return pending;
    }

    /// Replicas starting together on PostgreSQL take turns at start-up work (migrations, the first admin), so
    /// none of them races another into a duplicate row or a half-applied schema. Creates the database first if
    /// it does not exist. SQLite has one instance: nothing to hold.
    public async Task<IAsyncDisposable> StartupLockAsync(CancellationToken ct)
    {
        if (!database.IsPostgres) return NoLock.Instance;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(ct))
            {
                try { await creator.CreateAsync(ct); }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase) { } // another replica made it
            }
        }
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({StartupLockKey})", connection))
            await command.ExecuteNonQueryAsync(ct);
        return new AdvisoryLock(connection);
    }

    /// Unlocks explicitly: disposing a pooled Npgsql connection only returns it to the pool, and the session (with
    /// its lock) lives on until the pool resets it on the connection's next use.
    private sealed class AdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({StartupLockKey})", connection);
                await unlock.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
