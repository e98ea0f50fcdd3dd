using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Data;

public static class DataSetup
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// Registers PortalDbContext on the configured provider. This is the only place that knows which providers exist.
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        var dataDirectory = new DataDirectory(builder.Environment.ContentRootPath, options.DataDirectory);
        builder.Services.AddSingleton(dataDirectory);

        var database = Database(options.Database.Provider, builder.Configuration.GetConnectionString("Portal"), dataDirectory);
        builder.Services.AddSingleton(database);
        builder.Services.AddDbContextFactory<PortalDbContext>(database.Configure);
        builder.Services.AddDbContext<PortalDbContext>(database.Configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        builder.Services.AddSingleton<DatabaseMigrator>();
        // Contexts scoped to one organization (the tenant filter) or deliberately to none: every feature opens them here.
        builder.Services.AddSingleton<Tenancy.TenantDb>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// The provider and connection string from configuration, checked before anything connects.
    public static PortalDatabase Database(string provider, string? connectionString, DataDirectory dataDirectory) => provider switch
    {
        Sqlite => new PortalDatabase(Sqlite, SqliteConnectionString(connectionString, dataDirectory)),
        Postgres => new PortalDatabase(Postgres, PostgresConnectionString(connectionString)),
        _ => throw new StartupException($"Portal:Database:Provider '{provider}' is not supported: use Sqlite or Postgres."),
    };

    internal static string SqliteConnectionString(string? configured, DataDirectory dataDirectory)
    {
        var csb = new SqliteConnectionStringBuilder(configured ?? $"Data Source={dataDirectory.File("portal.db")}") { Pooling = true };
        // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout, so concurrent writers wait (30 s unless
        // the connection string says otherwise); past it the request is answered 503 (StorageFaults).
        var keywords = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured ?? "" };
        if (!keywords.ContainsKey("Default Timeout") && !keywords.ContainsKey("Command Timeout")) csb.DefaultTimeout = 30;
        if (!System.IO.Path.IsPathRooted(csb.DataSource) && csb.DataSource != ":memory:")
            csb.DataSource = dataDirectory.File(csb.DataSource);
        return csb.ToString();
    }

    internal static string PostgresConnectionString(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
            throw new StartupException(
                "ConnectionStrings:Portal is required with Portal:Database:Provider=Postgres, e.g. \"Host=db;Database=portal;Username=portal;Password=...\".");
        try
        {
            return new NpgsqlConnectionStringBuilder(configured).ConnectionString;
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the value (which may be a password).
            throw new StartupException($"ConnectionStrings:Portal is not a valid PostgreSQL connection string: {ex.Message.Split('\n')[0]}");
        }
    }
}

/// The database Portal runs on: its provider and connection string. Also used by `Portal migrate-data` to open a
/// second database of the other kind.
public sealed record PortalDatabase(string Provider, string ConnectionString)
{
    public const string SqliteMigrations = "Portal.Migrations";
    public const string PostgresMigrations = "Portal.Migrations.Postgres";

    public bool IsPostgres => Provider == DataSetup.Postgres;

    public void Configure(DbContextOptionsBuilder db)
    {
        if (IsPostgres)
            db.UseNpgsql(ConnectionString, pg => pg.MigrationsAssembly(PostgresMigrations));
        else
            db.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrations));
    }

    /// Options outside DI. <paramref name="appServices"/> lets the model see the app's Identity options (key lengths).
    public DbContextOptions<PortalDbContext> Options(IServiceProvider? appServices = null)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        if (appServices is not null) builder.UseApplicationServiceProvider(appServices);
        Configure(builder);
        return builder.Options;
    }

    public override string ToString() => Provider; // never the connection string: it may hold a password
}
