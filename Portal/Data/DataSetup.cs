using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

public static class DataSetup
{
    /// Registers PortalDbContext on the configured provider. This is the only place that knows SQLite exists.
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        var dataDirectory = new DataDirectory(builder.Environment.ContentRootPath, options.DataDirectory);
        builder.Services.AddSingleton(dataDirectory);

        var provider = options.Database.Provider;
        if (provider != "Sqlite")
            throw new StartupException($"Portal:Database:Provider '{provider}' is not supported yet; use Sqlite.");

        var connectionString = SqliteConnectionString(builder.Configuration.GetConnectionString("Portal"), dataDirectory);
        builder.Services.AddDbContextFactory<PortalDbContext>(db => db.UseSqlite(connectionString,
            sqlite => sqlite.MigrationsAssembly("Portal.Migrations")));
        builder.Services.AddDbContext<PortalDbContext>(db => db.UseSqlite(connectionString,
            sqlite => sqlite.MigrationsAssembly("Portal.Migrations")), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        builder.Services.AddSingleton<DatabaseMigrator>();
        return builder;
    }

    internal static string SqliteConnectionString(string? configured, DataDirectory dataDirectory)
    {
        var csb = new SqliteConnectionStringBuilder(configured ?? $"Data Source={dataDirectory.File("portal.db")}")
        {
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout, so concurrent writers wait.
            DefaultTimeout = 30,
            Pooling = true,
        };
        if (!System.IO.Path.IsPathRooted(csb.DataSource) && csb.DataSource != ":memory:")
            csb.DataSource = dataDirectory.File(csb.DataSource);
        return csb.ToString();
    }
}
