using System.Net;
using System.Net.Http.Json;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.ScaleOut;

/// Two real Portal processes on one PostgreSQL database (and one Hangfire storage), started together the way
/// docker-compose's scale-out profile starts them. Tests make their own organization and project on it.
public sealed class ReplicaPair : IAsyncLifetime
{
    private const string AdminEmail = "ops@scale-out.test";
    private const string AdminPassword = "scale-out admin password";
    private readonly string _adminToken = "ptm_scaleout_" + Guid.NewGuid().ToString("N");

    public PortalReplica A { get; private set; } = null!;
    public PortalReplica B { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreatePostgresAsync("portal_scaleout_" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string>
        {
            ["Portal__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Portal"] = ConnectionString,
            ["Portal__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Portal__RequireMasterKey"] = "true",
            ["Portal__Bootstrap__AdminEmail"] = AdminEmail,
            ["Portal__Bootstrap__AdminPassword"] = AdminPassword,
            ["Portal__Bootstrap__AdminApiToken"] = _adminToken,
            // Every second instead of every 5 minutes, so the test sees several schedules.
            ["Portal__Jobs__RotationCron"] = "* * * * * *",
        };
        // Started at the same moment: start-up work (migrations, the bootstrap admin) must take turns by itself.
        A = PortalReplica.Start("A", environment);
        B = PortalReplica.Start("B", environment);
        await Task.WhenAll(A.WaitReadyAsync(TimeSpan.FromSeconds(90)), B.WaitReadyAsync(TimeSpan.FromSeconds(90)));
    }

    public async ValueTask DisposeAsync()
    {
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
    }

    /// A PortalDbContext on the shared database that sees every organization, for assertions.
    public PortalDbContext Db() => new(new PortalDatabase(DataSetup.Postgres, ConnectionString).Options());

    /// An organization (Owner joined by invitation on A), a project with an Active certificate, and the Owner's client
    /// on each replica.
    public async Task<ReplicaProject> ProjectAsync(string? certificate = null)
    {
        using var admin = A.Client(_adminToken);
        var slug = "org-" + Guid.NewGuid().ToString("N")[..12];
        var org = (await (await admin.PostAsJsonAsync("api/v1/orgs", new { name = slug, slug })).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var email = $"owner-{Guid.NewGuid():N}@example.test";
        var invitation = (await (await admin.PostAsJsonAsync($"api/v1/orgs/{org}/invitations", new { email, role = "Owner" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString();
        using var anonymous = A.Client();
        await (await anonymous.PostAsJsonAsync("api/v1/invitations/accept", new { token = invitation, password = TestUsers.Password })).JsonAsync(HttpStatusCode.OK);
        var token = (await (await anonymous.PostAsJsonAsync("api/v1/auth/token", new { email, password = TestUsers.Password }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("token").GetString()!;
        var ownerA = A.Client(token);
        var project = (await (await ownerA.PostAsJsonAsync($"api/v1/orgs/{org}/projects", new { name = "Replicated", appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        object body = certificate is null ? new { activation = "Now" } : new { certificate, activation = "Now" };
        await (await ownerA.PostAsJsonAsync($"api/v1/orgs/{org}/projects/{project}/certificates", body)).JsonAsync(HttpStatusCode.Created);
        return new ReplicaProject(org, project, ownerA, B.Client(token));
    }
}

public sealed record ReplicaProject(Guid OrganizationId, Guid ProjectId, HttpClient OwnerOnA, HttpClient OwnerOnB)
{
    public string Path => $"api/v1/orgs/{OrganizationId}/projects/{ProjectId}";

    public async Task<(string Key, Guid Id)> KeyAsync(HttpClient owner)
    {
        var created = await (await owner.PostAsJsonAsync($"{Path}/api-keys", new
        {
            name = "replica key " + Guid.NewGuid().ToString("N")[..6],
            kind = "secret",
            scopes = new[] { "rtc" },
            rateLimitPerMinute = 100000,
        })).JsonAsync(HttpStatusCode.Created);
        return (created.GetProperty("key").GetString()!, created.GetProperty("info").GetProperty("id").GetGuid());
    }
}

public static class ReplicaRequests
{
    /// An RTC token request with the client's API key.
    public static Task<HttpResponseMessage> RtcAsync(this HttpClient keyClient, uint uid = 42) =>
        keyClient.PostAsJsonAsync("api/v1/tokens/rtc", new { channel = "scale-out", uid });

    public static async Task<string> TokenAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;

    /// Polls until <paramref name="condition"/> holds or the deadline passes; returns whether it held.
    public static async Task<bool> WithinAsync(TimeSpan deadline, Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + deadline;
        do
        {
            if (await condition()) return true;
            await Task.Delay(100);
        } while (DateTime.UtcNow < until);
        return await condition();
    }
}
