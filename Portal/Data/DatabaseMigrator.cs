using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// Applies pending migrations (at start and by `Portal migrate`) and sets the SQLite journal mode.
public sealed class DatabaseMigrator(IDbContextFactory<PortalDbContext> dbs, ILogger<DatabaseMigrator> log)
{
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
}
