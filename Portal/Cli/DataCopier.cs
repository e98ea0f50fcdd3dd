using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Portal.Data;
using Portal.Data.Tenancy;
using Portal.Data.Usage;
using Portal.Features.Audit;

namespace Portal.Cli;

public sealed record TableCopy(string Table, long Source, long Target);

public sealed record DataCopyResult(bool Ok, string Message, IReadOnlyList<TableCopy> Tables);

/// `Portal migrate-data`: copies a SQLite installation into an empty PostgreSQL database, row for row (ids, hashes
/// and the Data Protection key ring as they are, so the audit chain and the encrypted secrets stay valid), in one
/// transaction on the target, then compares the counts and verifies the audit chain on the target.
/// Tables come from the EF model, so an entity added later is copied without changing this class.
public static class DataCopier
{
    private const int BatchSize = 500;

    /// <param name="appServices">Portal's services: Identity's options shape the model (key lengths), so both
    /// contexts must see them exactly as the app does, or the model would not match the migrations.</param>
    public static async Task<DataCopyResult> CopyAsync(string sqlitePath, string postgresConnection, IServiceProvider appServices,
        TextWriter progress, CancellationToken ct)
    {
        if (!File.Exists(sqlitePath))
            return Fail($"--from: no SQLite database at '{sqlitePath}' (Portal's is portal.db in its data directory).");
        PortalDatabase target;
        try { target = new PortalDatabase(DataSetup.Postgres, DataSetup.PostgresConnectionString(postgresConnection)); }
        catch (StartupException ex) { return Fail($"--to: {ex.Message}"); }
        var source = new PortalDatabase(DataSetup.Sqlite,
            new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(sqlitePath), Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = 30 }.ToString());

        var sources = new PooledDbContextFactory<PortalDbContext>(source.Options(appServices));
        var targets = new PooledDbContextFactory<PortalDbContext>(target.Options(appServices));
        var reason = "migrate-data copies every organization";

        await using var from = await new TenantDb(sources).UnfilteredAsync(reason, ct);
        if (!(await from.Database.GetAppliedMigrationsAsync(ct)).Any())
            return Fail($"--from: '{sqlitePath}' is not a Portal database (it has no migrations applied).");
        if ((await from.Database.GetPendingMigrationsAsync(ct)).Any())
            return Fail($"--from: '{sqlitePath}' was written by an older Portal: run `Portal migrate` on it with this version first.");

        await using var to = await new TenantDb(targets).UnfilteredAsync(reason, ct);
        var types = TablesInInsertOrder(to.Model);
        const string empty = "migrate-data only copies into an empty database, so nothing is overwritten: point --to at a new " +
                             "database (e.g. CREATE DATABASE portal) and run it again.";
        try
        {
            // Refuse before touching the target: a Portal database of another version is not migrated first.
            if ((await to.Database.GetAppliedMigrationsAsync(ct)).Any())
            {
                if ((await to.Database.GetPendingMigrationsAsync(ct)).Any())
                    return Fail($"--to: the target already holds a Portal database of another version. {empty}");
                var occupied = new List<string>();
                foreach (var type in types)
                    if (await CountAsync(to, type, ct) is var n and > 0) occupied.Add($"{type.GetTableName()} ({n})");
                if (occupied.Count > 0)
                    return Fail($"--to: the target database already holds data in {string.Join(", ", occupied)}. {empty}");
            }
            await progress.WriteLineAsync("Creating the schema on the target...");
            await to.Database.MigrateAsync(ct);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            return Fail($"--to: cannot prepare the PostgreSQL database: {ex.Message}");
        }

        var copiedRows = new List<(IEntityType Type, long Rows)>();
        await using (var tx = await to.Database.BeginTransactionAsync(ct))
        {
            foreach (var type in types) copiedRows.Add((type, await CopyTableAsync(from, to, type, ct)));
            await ResetIdentitySequencesAsync(to, types, ct);
            // The cache stamp is a counter, not data; carrying it over keeps it moving forward for running caches.
            var stamp = await from.CacheStamps.AsNoTracking().Where(s => s.Id == 1).Select(s => s.Version).SingleAsync(ct);
            await to.CacheStamps.Where(s => s.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, stamp + 1), ct);
            await tx.CommitAsync(ct);
        }

        var tables = new List<TableCopy>();
        foreach (var (type, rows) in copiedRows)
            tables.Add(new TableCopy(type.GetTableName()!, rows, await CountAsync(to, type, ct)));
        var mismatched = tables.Where(t => t.Source != t.Target).Select(t => t.Table).ToList();
        var audit = await new AuditChain(targets, TimeProvider.System).VerifyAsync(ct);
        if (mismatched.Count > 0)
            return new DataCopyResult(false, $"Row counts differ after the copy in {string.Join(", ", mismatched)}.", tables);
        if (!audit.Intact)
        {
            var before = await new AuditChain(sources, TimeProvider.System).VerifyAsync(ct);
            return new DataCopyResult(false, before.Intact
                ? $"The audit chain does not verify on the target: {audit.Message}."
                : $"The audit chain was already broken in the SQLite database ({before.Message}); it was copied as it is.", tables);
        }
        return new DataCopyResult(true, $"Copied {tables.Sum(t => t.Target)} row(s) in {tables.Count} tables; audit chain on the target: {audit.Message}.", tables);
    }

    private static DataCopyResult Fail(string message) => new(false, message, []);

    /// Every table-mapped entity (owned types travel with their owner), principals before dependents.
    internal static List<IEntityType> TablesInInsertOrder(IModel model)
    {
        var pending = model.GetEntityTypes()
            .Where(t => !t.IsOwned() && t.BaseType is null && t.GetTableName() is not null && t.ClrType != typeof(CacheStamp))
            .OrderBy(t => t.GetTableName(), StringComparer.Ordinal).ToList();
        var ordered = new List<IEntityType>();
        while (pending.Count > 0)
        {
            var ready = pending.First(t => t.GetForeignKeys().All(fk =>
                fk.PrincipalEntityType.GetRootType() == t || !pending.Contains(fk.PrincipalEntityType.GetRootType())));
            ordered.Add(ready);
            pending.Remove(ready);
        }
        return ordered;
    }

    private static readonly MethodInfo CopyMethod = typeof(DataCopier).GetMethod(nameof(CopyRowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CountMethod = typeof(DataCopier).GetMethod(nameof(CountRowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Task<long> CopyTableAsync(PortalDbContext from, PortalDbContext to, IEntityType type, CancellationToken ct) =>
        (Task<long>)CopyMethod.MakeGenericMethod(type.ClrType).Invoke(null, [from, to, ct])!;

    private static Task<long> CountAsync(PortalDbContext db, IEntityType type, CancellationToken ct) =>
        (Task<long>)CountMethod.MakeGenericMethod(type.ClrType).Invoke(null, [db, ct])!;

    private static Task<long> CountRowsAsync<T>(PortalDbContext db, CancellationToken ct) where T : class =>
        db.Set<T>().IgnoreQueryFilters().LongCountAsync(ct);

    private static async Task<long> CopyRowsAsync<T>(PortalDbContext from, PortalDbContext to, CancellationToken ct) where T : class
    {
        long copied = 0;
        var batch = 0;
        await foreach (var row in from.Set<T>().AsNoTracking().IgnoreQueryFilters().AsAsyncEnumerable().WithCancellation(ct))
        {
            to.Set<T>().Add(row); // explicit keys (ids, identity columns) are inserted as they are
            copied++;
            if (++batch == BatchSize) { await SaveBatchAsync(to, ct); batch = 0; }
        }
        if (batch > 0) await SaveBatchAsync(to, ct);
        return copied;
    }

    private static async Task SaveBatchAsync(PortalDbContext to, CancellationToken ct)
    {
        // PostgreSQL's timestamptz takes UTC only; Portal writes UTC, but an offset would be the same instant anyway.
        foreach (var entry in to.ChangeTracker.Entries())
            foreach (var property in entry.Properties)
                if (property.CurrentValue is DateTimeOffset { Offset.Ticks: not 0 } value)
                    property.CurrentValue = value.ToUniversalTime();
        await to.SaveChangesAsync(ct);
        to.ChangeTracker.Clear();
    }

    /// Rows were inserted with their ids, so each identity column's sequence must continue after the largest one.
    private static async Task ResetIdentitySequencesAsync(PortalDbContext to, IEnumerable<IEntityType> types, CancellationToken ct)
    {
        foreach (var type in types)
        {
            if (type.FindPrimaryKey()?.Properties is not [{ ValueGenerated: ValueGenerated.OnAdd } key] ||
                (key.ClrType != typeof(int) && key.ClrType != typeof(long))) continue;
            var table = type.GetTableName()!;
            var column = key.GetColumnName(StoreObjectIdentifier.Table(table, type.GetSchema()));
            // Names come from Portal's own model, never from input.
#pragma warning disable EF1002
            await to.Database.ExecuteSqlRawAsync(
                $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)", ct);
#pragma warning restore EF1002
        }
    }
}
