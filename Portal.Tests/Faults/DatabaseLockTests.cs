using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
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
}
