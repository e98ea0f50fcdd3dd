using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests;

public sealed class StartupTests
{
    [Fact]
    public async Task FirstStart_OnEmptyDataDirectory_CreatesDatabaseMasterKeyAndInitialAdmin()
    {
        await using var app = new PortalAppFactory();
        var ready = await app.CreateClient().GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        if (!TestDatabase.IsPostgres) Assert.True(File.Exists(Path.Combine(app.DataDirectory, "portal.db")));
        Assert.Equal(32, Convert.FromBase64String(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "master.key"), TestContext.Current.CancellationToken)).Length);
        var password = (await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "initial-admin-password"), TestContext.Current.CancellationToken)).Trim();
        Assert.True(password.Length >= 12);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(app.DataDirectory, "master.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(app.DataDirectory, "initial-admin-password")));
        }

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(PortalRoles.PlatformAdmin));
        Assert.Equal("admin@localhost", admin.Email);
        Assert.True(admin.MustChangePassword);
        Assert.True(await users.CheckPasswordAsync(admin, password));
    }

    [Fact]
    public async Task SecondStart_OnSameDataDirectory_ChangesNothing()
    {
        string dir, masterKey, password, adminId, passwordHash;
        await using (var first = new PortalAppFactory())
        {
            first.CreateClient();
            dir = first.DataDirectory;
            masterKey = await File.ReadAllTextAsync(Path.Combine(dir, "master.key"), TestContext.Current.CancellationToken);
            password = await File.ReadAllTextAsync(Path.Combine(dir, "initial-admin-password"), TestContext.Current.CancellationToken);
            (adminId, passwordHash) = await AdminAsync(first);
        }

        await using var second = new PortalAppFactory(dir);
        second.CreateClient();

        Assert.Equal(masterKey, await File.ReadAllTextAsync(Path.Combine(dir, "master.key"), TestContext.Current.CancellationToken));
        Assert.Equal(password, await File.ReadAllTextAsync(Path.Combine(dir, "initial-admin-password"), TestContext.Current.CancellationToken));
        Assert.Equal((adminId, passwordHash), await AdminAsync(second));
        await using var db = await second.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await db.Users.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.BootstrapAdminCreated, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BootstrapSettings_CreateAdminAndWorkingManagementToken()
    {
        const string token = "ptm_bootstrap-token-for-automation-0123456789";
        await using var app = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["Portal:Bootstrap:AdminEmail"] = "ops@example.test",
            ["Portal:Bootstrap:AdminPassword"] = "a long enough password",
            ["Portal:Bootstrap:AdminApiToken"] = token,
        });
        var client = app.CreateClient();

        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await client.GetFromJsonAsync<MeResponse>("/api/v1/me", TestContext.Current.CancellationToken);
        Assert.Equal("ops@example.test", me!.Email);
        Assert.Contains(PortalRoles.PlatformAdmin, me.Roles);
        Assert.False(me.MustChangePassword);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "initial-admin-password")));

        client.DefaultRequestHeaders.Authorization = new("Bearer", token + "x");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken),
            HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task BootstrapToken_OnRestart_IsNotDuplicated()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Bootstrap:AdminEmail"] = "ops@example.test",
            ["Portal:Bootstrap:AdminPassword"] = "a long enough password",
            ["Portal:Bootstrap:AdminApiToken"] = "ptm_bootstrap-token-for-automation-0123456789",
        };
        string dir;
        await using (var first = new PortalAppFactory(settings: settings)) { first.CreateClient(); dir = first.DataDirectory; }
        await using var second = new PortalAppFactory(dir, settings);
        second.CreateClient();

        await using var db = await second.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await db.ManagementTokens.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, await db.Users.CountAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<(string, string)> AdminAsync(PortalAppFactory app)
    {
        using var scope = app.Services.CreateScope();
        var admin = Assert.Single(await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().GetUsersInRoleAsync(PortalRoles.PlatformAdmin));
        return (admin.Id, admin.PasswordHash!);
    }

    private sealed record MeResponse(string Id, string Email, string[] Roles, bool TwoFactorEnabled, bool MustChangePassword);
}

/// Nested options (`Portal:Security:*`, `Portal:Database:*`...) are validated too: a bad value stops the start with a
/// message that names it, instead of being accepted because data annotations do not recurse.
public sealed class NestedOptionsTests
{
    [Theory]
    [InlineData("Portal:Security:LoginFailuresPerAddress", "0", "LoginFailuresPerAddress")]
    [InlineData("Portal:Security:LoginWindowMinutes", "100000", "LoginWindowMinutes")]
    public void BadNestedValue_StopsStartUp_NamingIt(string key, string value, string named)
    {
        var dir = TempDirectory.Create();
        var app = PortalApp.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = dir,
            ["Portal:Jobs:Storage"] = "InMemory",
            [key] = value,
        }), serve: false);
        var failure = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>().Value);
        var validation = Flatten(failure).OfType<Microsoft.Extensions.Options.OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, failure.ToString());
        Assert.Contains(validation.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inner = e is AggregateException all ? all.InnerExceptions : e.InnerException is null ? [] : [e.InnerException];
        foreach (var child in inner)
            foreach (var x in Flatten(child)) yield return x;
    }
}
