using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Policies;

public sealed class PolicyApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private async Task<(TestOrg Org, string Path)> PolicyAsync()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var project = await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Voice", appId = ApiActors.NewAppId() })).JsonAsync(HttpStatusCode.Created);
        return (org, $"{org.Path}/projects/{project.GetProperty("id").GetGuid()}/policy");
    }

    [Fact]
    public async Task NewProject_HasTheDocumentedDefaults()
    {
        var (org, path) = await PolicyAsync();
        var p = await (await org.Owner.GetAsync(path, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3600, p.GetProperty("defaultLifetimeSeconds").GetInt32());
        Assert.Equal(60, p.GetProperty("minLifetimeSeconds").GetInt32());
        Assert.Equal(86400, p.GetProperty("maxLifetimeSeconds").GetInt32());
        Assert.Equal("Reject", p.GetProperty("aboveMaximum").GetString());
        Assert.Equal(["rtc", "rtm", "chat"], p.GetProperty("allowedServices").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["publisher", "subscriber"], p.GetProperty("allowedRoles").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("Publisher", p.GetProperty("defaultRole").GetString());
        Assert.False(p.GetProperty("allowUidWildcard").GetBoolean());
        Assert.True(p.GetProperty("allowStringAccounts").GetBoolean());
        Assert.Empty(p.GetProperty("channelPrefixes").EnumerateArray());
        Assert.Equal(30, p.GetProperty("renewAheadSeconds").GetInt32());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("rotationIntervalDays").ValueKind);
    }

    [Fact]
    public async Task ValidPolicy_IsSaved()
    {
        var (org, path) = await PolicyAsync();
        var policy = await CurrentAsync(org, path);
        policy["defaultLifetimeSeconds"] = 600;
        policy["aboveMaximum"] = "Clamp";
        policy["channelPrefixes"] = new JsonArray("room-", "lobby-");
        policy["rotationIntervalDays"] = 90;
        var saved = await (await org.Owner.PutAsJsonAsync(path, policy, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(600, saved.GetProperty("defaultLifetimeSeconds").GetInt32());
        Assert.Equal(["room-", "lobby-"], saved.GetProperty("channelPrefixes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(90, saved.GetProperty("rotationIntervalDays").GetInt32());
    }

    public static TheoryData<string, JsonNode?, string, string> InvalidPolicies => new()
    {
        { "maxLifetimeSeconds", 86_401, "max_lifetime_invalid", "maxLifetimeSeconds" },
        { "maxLifetimeSeconds", 0, "max_lifetime_invalid", "maxLifetimeSeconds" },
        { "minLifetimeSeconds", 0, "min_lifetime_invalid", "minLifetimeSeconds" },
        { "defaultLifetimeSeconds", 30, "default_lifetime_invalid", "defaultLifetimeSeconds" },
        { "defaultLifetimeSeconds", 90_000, "default_lifetime_invalid", "defaultLifetimeSeconds" },
        { "allowedServices", new JsonArray(), "services_invalid", "allowedServices" },
        { "allowedServices", new JsonArray("rtc", "video"), "services_invalid", "allowedServices" },
        { "allowedRoles", new JsonArray("subscriber"), "default_role_not_allowed", "defaultRole" },
        { "renewAheadSeconds", 60, "renew_ahead_invalid", "renewAheadSeconds" },
        { "renewAheadSeconds", -1, "renew_ahead_invalid", "renewAheadSeconds" },
        { "rotationIntervalDays", 0, "rotation_interval_invalid", "rotationIntervalDays" },
        { "channelPrefixes", new JsonArray("bad/prefix"), "channel_prefix_invalid", "channelPrefixes" },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public async Task InvalidPolicy_IsRefusedNamingTheField(string property, JsonNode? value, string code, string field)
    {
        var (org, path) = await PolicyAsync();
        var policy = await CurrentAsync(org, path);
        policy[property] = value?.DeepClone();
        var problem = await ProblemAssert.IsProblemAsync(await org.Owner.PutAsJsonAsync(path, policy, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, code);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(3600, (await CurrentAsync(org, path))["defaultLifetimeSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Auditor_CannotChangeThePolicy()
    {
        var (org, path) = await PolicyAsync();
        var (auditor, _) = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");
        await ProblemAssert.IsProblemAsync(await auditor.PutAsJsonAsync(path, await CurrentAsync(org, path), TestContext.Current.CancellationToken),
            HttpStatusCode.Forbidden, "role_forbidden");
    }

    private static async Task<JsonObject> CurrentAsync(TestOrg org, string path) =>
        JsonNode.Parse(await org.Owner.GetStringAsync(path))!.AsObject();
}
