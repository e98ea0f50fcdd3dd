using System.Net;
using System.Net.Http.Json;

namespace Portal.Tests.Infrastructure;

/// A project with an Active certificate and API keys, made through the management API.
public sealed record TokenProject(PortalAppFactory App, TestOrg Org, Guid ProjectId, string AppId, string Certificate)
{
    public string Path => $"{Org.Path}/projects/{ProjectId}";

    public static async Task<TokenProject> CreateAsync(PortalAppFactory app, TestOrg? org = null, object? policyChanges = null)
    {
        org ??= await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var appId = ApiActors.NewAppId();
        var certificate = ApiActors.NewCertificate();
        var project = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Tokens", appId })).JsonAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        (await org.Owner.PostAsJsonAsync($"{org.Path}/projects/{project}/certificates", new { certificate, activation = "Now" })).EnsureSuccessStatusCode();
        var result = new TokenProject(app, org, project, appId, certificate);
        if (policyChanges is not null) await result.UpdatePolicyAsync(policyChanges);
        return result;
    }

    public Task UpdatePolicyAsync(object changes) => ApiActors.UpdatePolicyAsync(Org.Owner, $"{Path}/policy", changes);

    public async Task<(string Key, Guid Id)> KeyAsync(string kind = "secret", string[]? scopes = null, string[]? origins = null,
        string[]? channelPrefixes = null, object? rateLimit = null, DateTimeOffset? expiresAt = null)
    {
        var created = await (await Org.Owner.PostAsJsonAsync($"{Path}/api-keys", new
        {
            name = "test key",
            kind,
            scopes = scopes ?? ["rtc", "rtm", "chat", "verify"],
            allowedOrigins = origins ?? [],
            channelPrefixes = channelPrefixes ?? [],
            rateLimitPerMinute = rateLimit,
            expiresAt,
        })).JsonAsync(HttpStatusCode.Created);
        return (created.GetProperty("key").GetString()!, created.GetProperty("info").GetProperty("id").GetGuid());
    }

    public HttpClient Client(string? key = null)
    {
        var client = App.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }
}
