using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Portal.Benchmarks.Soak;

/// An admin write the soak made, with the audit events it must have produced (type and target id, once each).
public sealed record AdminWrite(string Kind, int Status, string? Code, DateTime AnsweredAt, TimeSpan Took, IReadOnlyList<(string Type, string Target)> Events);

/// The second client: admin writes through the management API at a steady pace while the token load runs —
/// create a project, rotate a certificate, revoke a key and create its replacement, edit a policy.
public sealed class SoakAdmin(SoakClient client, SoakLoad load, IReadOnlyList<string> loadProjects)
{
    public readonly ConcurrentQueue<AdminWrite> Writes = new();
    public readonly List<string> CreatedProjects = [];
    private int _step;

    public async Task<(string Project, string VerifyKey)> ProvisionProjectAsync(string name, int loadKeys)
    {
        var project = await WriteAsync("create project", HttpMethod.Post, "/projects", new { name, appId = Guid.NewGuid().ToString("N") },
            id => [("ProjectCreated", id)]);
        var id = project!["id"]!.GetValue<string>();
        await RotateAsync(id);
        var policy = (await client.ManageAsync(HttpMethod.Get, $"/projects/{id}/policy")).Body!.AsObject();
        // Short lifetimes so that rotated-out certificates reach the end of their grace (= max lifetime) and the
        // rotation job retires them during the soak.
        policy["minLifetimeSeconds"] = 30; policy["defaultLifetimeSeconds"] = 60; policy["maxLifetimeSeconds"] = 120; policy["renewAheadSeconds"] = 10;
        await WriteAsync("edit policy", HttpMethod.Put, $"/projects/{id}/policy", policy, _ => [("PolicyUpdated", id)]);
        for (var k = 0; k < loadKeys; k++) await CreateKeyAsync(id);
        var verify = await WriteAsync("create key", HttpMethod.Post, $"/projects/{id}/api-keys",
            new { name = "soak verify", kind = "secret", scopes = new[] { "verify" }, rateLimitPerMinute = 100_000 }, keyId => [("ApiKeyCreated", keyId)]);
        return (id, verify!["key"]!.GetValue<string>());
    }

    /// One write every `pace`, cycling through the kinds, until stopped.
    public async Task RunAsync(TimeSpan pace, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(pace, stop); } catch (OperationCanceledException) { break; }
            var project = loadProjects[_step % loadProjects.Count];
            switch (_step++ % 4)
            {
                case 0:
                    var created = await WriteAsync("create project", HttpMethod.Post, "/projects",
                        new { name = $"Soak extra {_step}", appId = Guid.NewGuid().ToString("N") }, id => [("ProjectCreated", id)]);
                    if (created?["id"]?.GetValue<string>() is { } createdId) lock (CreatedProjects) CreatedProjects.Add(createdId);
                    break;
                case 1: await RotateAsync(project); break;
                case 2: await RevokeAndReplaceAsync(project); break;
                case 3:
                    var policy = (await client.ManageAsync(HttpMethod.Get, $"/projects/{project}/policy")).Body?.AsObject();
                    if (policy is null) break;
                    policy["renewAheadSeconds"] = policy["renewAheadSeconds"]!.GetValue<int>() == 10 ? 20 : 10;
                    await WriteAsync("edit policy", HttpMethod.Put, $"/projects/{project}/policy", policy, _ => [("PolicyUpdated", project)]);
                    break;
            }
        }
    }

    public async Task RotateAsync(string project)
    {
        var rotated = await WriteAsync("rotate certificate", HttpMethod.Post, $"/projects/{project}/certificates/rotate", null,
            id => [("CertificateGenerated", id), ("CertificatePromoted", id)]);
        if (rotated?["id"]?.GetValue<string>() is { } certificate) load.Rotations.Enqueue(new Rotation(project, DateTime.UtcNow, certificate));
    }

    private async Task RevokeAndReplaceAsync(string project)
    {
        if (load.FirstUsable(project) is not { } victim) return;
        await CreateKeyAsync(project); // the replacement first, so the project never runs out of keys
        var revoked = await WriteAsync("revoke key", HttpMethod.Delete, $"/projects/{project}/api-keys/{victim.Id}", null,
            _ => [("ApiKeyRevoked", victim.Id)]);
        if (revoked is not null) victim.RevokedAt = DateTime.UtcNow;
    }

    private async Task CreateKeyAsync(string project)
    {
        var key = await WriteAsync("create key", HttpMethod.Post, $"/projects/{project}/api-keys",
            new { name = $"soak load {_step}", kind = "secret", scopes = new[] { "rtc" }, rateLimitPerMinute = 100_000 }, id => [("ApiKeyCreated", id)]);
        if (key is not null) load.AddKey(new LoadKey(project, key["info"]!["id"]!.GetValue<string>(), key["key"]!.GetValue<string>()));
    }

    /// Sends one write and records it; answers its JSON body on success (an empty object for 204), else null.
    private async Task<JsonNode?> WriteAsync(string kind, HttpMethod method, string path, object? body,
        Func<string, IReadOnlyList<(string, string)>> events)
    {
        var answer = await client.ManageAsync(method, path, body);
        var node = answer.Ok ? answer.Body ?? new JsonObject() : null;
        var id = (node?["id"] ?? node?["info"]?["id"])?.GetValue<string>() ?? ""; // a created key answers {info, key}
        Writes.Enqueue(new AdminWrite(kind, answer.Status, answer.Code, DateTime.UtcNow, answer.Took, answer.Ok ? events(id) : []));
        return node;
    }
}
