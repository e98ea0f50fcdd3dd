using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Faults;

/// Another process holds the SQLite database's write lock (a backup tool, a stuck migration, the soak harness's fault
/// phase): requests that need to write are answered 503 problem+json with Retry-After once the wait runs out
/// (never 500), the token API keeps issuing from its cache, and everything works again when the lock goes.
public sealed class DatabaseLockTests
{
    [Fact]
    public async Task ExclusiveLock_ManagementAnswers503_TokensKeepComingFromCache_AndAllRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = TempDirectory.Create();
        await using var app = new PortalAppFactory(directory, new Dictionary<string, string?>
        {
            // The wait for a busy database is 30 s by default; a second keeps the test short.
            ["Portal:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = "Data Source=portal.db;Default Timeout=1",
        });
        var project = await TokenProject.CreateAsync(app);
        var (key, _) = await project.KeyAsync();
        (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 }, ct)).EnsureSuccessStatusCode();

        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(directory, "portal.db")};Pooling=False"))
        {
            await holder.OpenAsync(ct);
            await using (var lockIt = holder.CreateCommand())
            {
                lockIt.CommandText = "BEGIN EXCLUSIVE;";
                await lockIt.ExecuteNonQueryAsync(ct);
            }

            // WAL mode: readers are not blocked by a writer's lock, so reading pages keep working.
            (await project.Org.Owner.GetAsync($"{project.Org.Path}/projects", ct)).EnsureSuccessStatusCode();
            var write = await project.Org.Owner.PostAsJsonAsync($"{project.Org.Path}/projects", new { name = "During the lock", appId = ApiActors.NewAppId() }, ct);
            await ProblemAssert.IsProblemAsync(write, HttpStatusCode.ServiceUnavailable, StorageFaults.Code);
            Assert.Equal(TimeSpan.FromSeconds(StorageFaults.RetryAfterSeconds), write.Headers.RetryAfter?.Delta);

            var issued = await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 2 }, ct);
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        } // closing the connection releases the lock

        (await project.Org.Owner.GetAsync($"{project.Org.Path}/projects", ct)).EnsureSuccessStatusCode();
        var after = await project.Org.Owner.PostAsJsonAsync($"{project.Org.Path}/projects", new { name = "After the lock", appId = ApiActors.NewAppId() }, ct);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }

    [Fact]
    public async Task WrongCurrentPassword_IsRefused_WithoutWaitingForTheWriteLock()
    {
        // A loop of wrong passwords on the change-password page must not hold (or queue for) the database's write
        // lock once per password hash: the check comes before the transaction that saves a change.
        var ct = TestContext.Current.CancellationToken;
        var directory = TempDirectory.Create();
        await using var app = new PortalAppFactory(directory, new Dictionary<string, string?>
        {
            ["Portal:Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Portal"] = "Data Source=portal.db;Default Timeout=1",
        });
        var user = await TestUsers.CreateAsync(app);
        await using var holder = new SqliteConnection($"Data Source={Path.Combine(directory, "portal.db")};Pooling=False");
        await holder.OpenAsync(ct);
        await using (var lockIt = holder.CreateCommand())
        {
            lockIt.CommandText = "BEGIN IMMEDIATE;";
            await lockIt.ExecuteNonQueryAsync(ct);
        }

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Identity.PortalUser>>();
        var result = await users.ChangePasswordAsync((await users.FindByIdAsync(user.Id))!, "not the password", "a brand new long password");
        Assert.False(result.Succeeded);
        Assert.Equal("PasswordMismatch", Assert.Single(result.Errors).Code);
        var reset = await users.ResetPasswordAsync((await users.FindByIdAsync(user.Id))!, "made-up-token", "a brand new long password");
        Assert.Equal("InvalidToken", Assert.Single(reset.Errors).Code);
    }
}
