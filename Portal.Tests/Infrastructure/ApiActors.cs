using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Identity;

namespace Portal.Tests.Infrastructure;

/// People who call the management API in tests, each with a bearer token obtained the way a script would.
public static class ApiActors
{
    public static async Task<HttpClient> ClientForAsync(PortalAppFactory app, string email, string password = TestUsers.Password)
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", body.GetProperty("token").GetString());
        return client;
    }

    public static async Task<HttpClient> PlatformAdminAsync(PortalAppFactory app)
    {
        var admin = await TestUsers.CreateAsync(app, role: PortalRoles.PlatformAdmin);
        return await ClientForAsync(app, admin.Email!);
    }

    /// A new organization whose first Owner joined through the invitation API (the platform admin stays outside it).
    public static async Task<TestOrg> OrganizationAsync(PortalAppFactory app, HttpClient platformAdmin, string? name = null)
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..12];
        var created = await platformAdmin.PostAsJsonAsync("/api/v1/orgs", new { name = name ?? slug, slug, joinAsOwner = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var orgId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var owner = await MemberAsync(app, platformAdmin, orgId, "Owner");
        return new TestOrg(orgId, owner.Client, owner.Email);
    }

    /// Invites a member with the given role through `inviter` and accepts as a new person.
    public static async Task<(HttpClient Client, string Email)> MemberAsync(PortalAppFactory app, HttpClient inviter, Guid orgId, string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var invited = await inviter.PostAsJsonAsync($"/api/v1/orgs/{orgId}/invitations", new { email, role });
        Assert.True(invited.StatusCode == HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());
        var token = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var accepted = await app.CreateClient().PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = TestUsers.Password });
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        return (await ClientForAsync(app, email), email);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    /// Reads a project's policy, overlays the given properties (camelCase) and saves it.
    public static async Task UpdatePolicyAsync(HttpClient owner, string policyPath, object changes)
    {
        var policy = System.Text.Json.Nodes.JsonNode.Parse(await owner.GetStringAsync(policyPath))!.AsObject();
        var overlay = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(changes, new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        foreach (var (name, value) in overlay) policy[name] = value?.DeepClone();
        var saved = await owner.PutAsJsonAsync(policyPath, policy);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
    }

    public static string NewAppId() => Guid.NewGuid().ToString("N");

    public static string NewCertificate() => Guid.NewGuid().ToString("N");
}

public sealed record TestOrg(Guid Id, HttpClient Owner, string OwnerEmail)
{
    public string Path => $"/api/v1/orgs/{Id}";
}
