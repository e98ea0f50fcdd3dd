using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Tenancy;

/// Every management route is called with the victim organization's real ids by a member of another
/// organization (404, exactly like a missing id), by the victim's Auditor for writes (403) and anonymously (401);
/// afterwards the victim's data is byte-for-byte what it was.
public sealed class IsolationMatrixTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    /// One row of the matrix: the route's pattern as the app maps it (`template`), and a concrete call of it.
    private sealed record Route(HttpMethod Method, string Template, string Path, object? Body, bool IsWrite);

    /// The ids of one organization's things that the routes take.
    private sealed record Ids(string Org, Guid Project, Guid Active, Guid Staged, Guid Member, Guid Invitation, Guid Key, JsonElement Policy, Guid Provider,
        Guid Account, Guid Ban, Guid Revocation);

    private const string OrgScope = "/api/v1/orgs/{orgId}";

    [Fact]
    public async Task EveryRoute_WithAnotherOrganizationsIds_BehavesAsIfTheyDidNotExist()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var attacker = await ApiActors.OrganizationAsync(app, admin, "Attacker Inc");
        var victim = await ApiActors.OrganizationAsync(app, admin, "Victim Ltd");
        var (victimAuditor, _) = await ApiActors.MemberAsync(app, victim.Owner, victim.Id, "Auditor");
        var theirs = await IdsAsync(victim, "Secret project");
        var mine = await IdsAsync(attacker, "Mine");
        var before = await SnapshotAsync(victim, theirs.Project);

        var routes = RoutesFor(theirs);
        // The attacker's own organization path with the victim's ids of things inside it: its projects, certificates,
        // keys, members and invitations.
        var victimIds = new[] { theirs.Project, theirs.Active, theirs.Staged, theirs.Member, theirs.Invitation, theirs.Key, theirs.Provider, theirs.Account, theirs.Ban, theirs.Revocation }.Select(id => id.ToString()).ToArray();
        var mixed = RoutesFor(mine with { Project = theirs.Project })
            .Concat(RoutesFor(mine with { Active = theirs.Active, Staged = theirs.Staged, Member = theirs.Member, Invitation = theirs.Invitation, Key = theirs.Key, Provider = theirs.Provider, Account = theirs.Account, Ban = theirs.Ban, Revocation = theirs.Revocation }))
            .Where(r => victimIds.Any(r.Path.Contains)).DistinctBy(r => (r.Method, r.Path)).ToList();
        var anonymous = app.CreateClient();

        foreach (var route in routes.Concat(mixed))
            await ProblemAssert.IsProblemAsync(await SendAsync(attacker.Owner, route), HttpStatusCode.NotFound, "not_found");
        foreach (var route in routes)
        {
            await ProblemAssert.IsProblemAsync(await SendAsync(anonymous, route), HttpStatusCode.Unauthorized, "unauthorized");
            if (!route.IsWrite) continue;
            var response = await SendAsync(victimAuditor, route);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{route.Method} {route.Path}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync(victim, theirs.Project));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.True(await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.CrossOrganizationAccessRefused && e.OrganizationId == victim.Id,
            TestContext.Current.CancellationToken) >= routes.Count);
    }

    /// The matrix is read against the routes the app maps: a route under an organization without a row fails here,
    /// so a new route cannot go untested by the stranger, anonymous and Auditor calls above.
    [Fact]
    public void EveryRouteUnderAnOrganization_HasARowInTheMatrix()
    {
        var mapped = OrganizationRoutes(app);
        var dummy = JsonDocument.Parse("{}").RootElement;
        var rows = RoutesFor(new Ids("/api/v1/orgs/x", Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, dummy, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty))
            .Select(r => $"{r.Method} {r.Template}").ToHashSet();
        Assert.True(mapped.Count > 30, string.Join("\n", mapped));
        var missing = mapped.Except(rows).Order().ToList();
        Assert.True(missing.Count == 0, "routes without a row in the isolation matrix:\n" + string.Join("\n", missing));
        var stale = rows.Except(mapped).Order().ToList();
        Assert.True(stale.Count == 0, "rows for routes the app no longer maps:\n" + string.Join("\n", stale));
    }

    /// `METHOD /api/v1/orgs/{orgId}/...` for every endpoint under an organization, route constraints left out.
    internal static HashSet<string> OrganizationRoutes(PortalAppFactory app)
    {
        app.CreateClient();
        return app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/orgs/{orgId", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet();
    }

    private static string Normalize(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/'), @"\{(\w+):[^}]+\}", "{$1}");

    private async Task<Ids> IdsAsync(TestOrg org, string name)
    {
        var project = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name, appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var active = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects/{project}/certificates", new { activation = "Now" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var staged = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects/{project}/certificates", new { activation = "Staged" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var member = (await (await org.Owner.GetAsync($"{org.Path}/members")).JsonAsync(HttpStatusCode.OK))
            .EnumerateArray().First().GetProperty("id").GetGuid();
        var invitation = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/invitations", new { email = $"pending-{Guid.NewGuid():N}@example.test", role = "Admin" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var key = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects/{project}/api-keys", new { name = "server", kind = "secret", scopes = new[] { "rtc" } }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("info").GetProperty("id").GetGuid();
        var policy = JsonDocument.Parse(await org.Owner.GetStringAsync($"{org.Path}/projects/{project}/policy")).RootElement;
        var provider = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects/{project}/identity-providers", Provider($"https://{name.Replace(' ', '-').ToLowerInvariant()}.example.test/")))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var account = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/agora-accounts", new { name = "main", customerId = "abc123", customerSecret = "s3cret-value-0000" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        (await org.Owner.PutAsJsonAsync($"{org.Path}/projects/{project}/agora-account", new { agoraAccountId = account })).EnsureSuccessStatusCode();
        // An active ban as Agora would have confirmed it (this matrix runs without an Agora to call).
        var ban = Guid.NewGuid();
        await using (var db = await app.Services.GetRequiredService<Portal.Data.Tenancy.TenantDb>().ForOrganizationAsync(org.Id, CancellationToken.None))
        {
            db.AgoraBans.Add(new Portal.Data.AgoraOps.AgoraBan
            {
                Id = ban,
                OrganizationId = org.Id,
                ProjectId = project,
                Kind = Portal.Data.AgoraOps.BanKind.BanJoin,
                Uid = 7,
                Minutes = 60,
                Status = Portal.Data.AgoraOps.BanStatus.Active,
                AgoraRuleId = 1,
                CreatedAt = DateTimeOffset.UtcNow,
                ConfirmedAt = DateTimeOffset.UtcNow,
                CreatedBy = "test",
            });
            await db.SaveChangesAsync();
        }
        var revocation = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects/{project}/revocations", new { account = "someone" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        return new Ids(org.Path, project, active, staged, member, invitation, key, policy, provider, account, ban, revocation);
    }

    [Fact]
    public async Task OrganizationList_ShowsOnlyTheCallersOrganizations()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var a = await ApiActors.OrganizationAsync(app, admin);
        await ApiActors.OrganizationAsync(app, admin);
        var list = await (await a.Owner.GetAsync("/api/v1/orgs", TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(a.Id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
    }

    private static List<Route> RoutesFor(Ids ids)
    {
        var org = ids.Org;
        var p = $"{org}/projects/{ids.Project}";
        const string P = OrgScope + "/projects/{projectId}";
        Route Row(HttpMethod method, string template, string path, object? body = null) =>
            new(method, template, path, body, method != HttpMethod.Get);
        return
        [
            Row(HttpMethod.Get, OrgScope, org),
            Row(HttpMethod.Patch, OrgScope, org, new { name = "pwned" }),
            Row(HttpMethod.Get, OrgScope + "/members", $"{org}/members"),
            Row(HttpMethod.Patch, OrgScope + "/members/{memberId}", $"{org}/members/{ids.Member}", new { role = "Admin" }),
            Row(HttpMethod.Delete, OrgScope + "/members/{memberId}", $"{org}/members/{ids.Member}"),
            Row(HttpMethod.Get, OrgScope + "/invitations", $"{org}/invitations"),
            Row(HttpMethod.Post, OrgScope + "/invitations", $"{org}/invitations", new { email = "mole@example.test", role = "Owner" }),
            Row(HttpMethod.Delete, OrgScope + "/invitations/{invitationId}", $"{org}/invitations/{ids.Invitation}"),
            Row(HttpMethod.Post, OrgScope + "/join", $"{org}/join"),
            Row(HttpMethod.Get, OrgScope + "/projects", $"{org}/projects"),
            Row(HttpMethod.Post, OrgScope + "/projects", $"{org}/projects", new { name = "planted", appId = ApiActors.NewAppId() }),
            Row(HttpMethod.Get, P, p),
            Row(HttpMethod.Patch, P, p, new { name = "pwned", status = "Disabled" }),
            Row(HttpMethod.Delete, P, p),
            Row(HttpMethod.Get, P + "/certificates", $"{p}/certificates"),
            Row(HttpMethod.Post, P + "/certificates", $"{p}/certificates", new { certificate = ApiActors.NewCertificate(), activation = "Now" }),
            Row(HttpMethod.Post, P + "/certificates/{certificateId}/promote", $"{p}/certificates/{ids.Staged}/promote"),
            Row(HttpMethod.Post, P + "/certificates/rotate", $"{p}/certificates/rotate"),
            Row(HttpMethod.Delete, P + "/certificates/{certificateId}", $"{p}/certificates/{ids.Active}"),
            Row(HttpMethod.Post, P + "/certificates/{certificateId}/reveal", $"{p}/certificates/{ids.Active}/reveal", new { password = TestUsers.Password }),
            Row(HttpMethod.Get, P + "/policy", $"{p}/policy"),
            Row(HttpMethod.Put, P + "/policy", $"{p}/policy", ids.Policy),
            Row(HttpMethod.Get, P + "/api-keys", $"{p}/api-keys"),
            Row(HttpMethod.Post, P + "/api-keys", $"{p}/api-keys", new { name = "planted", kind = "secret", scopes = new[] { "rtc" } }),
            Row(HttpMethod.Delete, P + "/api-keys/{keyId}", $"{p}/api-keys/{ids.Key}"),
            Row(HttpMethod.Get, P + "/identity-providers", $"{p}/identity-providers"),
            Row(HttpMethod.Post, P + "/identity-providers", $"{p}/identity-providers", Provider("https://planted.example.test/")),
            Row(HttpMethod.Get, P + "/identity-providers/{providerId}", $"{p}/identity-providers/{ids.Provider}"),
            Row(HttpMethod.Put, P + "/identity-providers/{providerId}", $"{p}/identity-providers/{ids.Provider}", Provider("https://pwned.example.test/")),
            Row(HttpMethod.Delete, P + "/identity-providers/{providerId}", $"{p}/identity-providers/{ids.Provider}"),
            Row(HttpMethod.Get, P + "/usage", $"{p}/usage"),
            Row(HttpMethod.Get, OrgScope + "/usage", $"{org}/usage?projectId={ids.Project}"),
            Row(HttpMethod.Get, OrgScope + "/usage", $"{org}/usage"),
            Row(HttpMethod.Get, OrgScope + "/usage.csv", $"{org}/usage.csv"),
            Row(HttpMethod.Get, OrgScope + "/reports", $"{org}/reports"),
            Row(HttpMethod.Get, OrgScope + "/reports/{date}", $"{org}/reports/2026-01-01"),
            Row(HttpMethod.Get, OrgScope + "/reports/{date}/csv", $"{org}/reports/2026-01-01/csv"),
            Row(HttpMethod.Get, OrgScope + "/notifications", $"{org}/notifications"),
            Row(HttpMethod.Put, OrgScope + "/notifications", $"{org}/notifications", new { webhookUrl = "https://attacker.example/hook" }),
            Row(HttpMethod.Post, OrgScope + "/notifications/test", $"{org}/notifications/test"),
            Row(HttpMethod.Get, OrgScope + "/notifications/deliveries", $"{org}/notifications/deliveries"),
            Row(HttpMethod.Get, OrgScope + "/audit", $"{org}/audit"),
            Row(HttpMethod.Get, OrgScope + "/audit/export", $"{org}/audit/export"),
            Row(HttpMethod.Get, OrgScope + "/agora-accounts", $"{org}/agora-accounts"),
            Row(HttpMethod.Post, OrgScope + "/agora-accounts", $"{org}/agora-accounts", new { name = "planted", customerId = "abc", customerSecret = "s3cret-value" }),
            Row(HttpMethod.Delete, OrgScope + "/agora-accounts/{accountId}", $"{org}/agora-accounts/{ids.Account}"),
            Row(HttpMethod.Post, OrgScope + "/agora-accounts/{accountId}/test", $"{org}/agora-accounts/{ids.Account}/test"),
            Row(HttpMethod.Post, OrgScope + "/agora-accounts/{accountId}/reveal", $"{org}/agora-accounts/{ids.Account}/reveal", new { password = TestUsers.Password }),
            Row(HttpMethod.Get, P + "/agora-account", $"{p}/agora-account"),
            Row(HttpMethod.Put, P + "/agora-account", $"{p}/agora-account", new { agoraAccountId = (Guid?)null }),
            Row(HttpMethod.Get, P + "/bans", $"{p}/bans"),
            Row(HttpMethod.Post, P + "/bans", $"{p}/bans", new { kind = "kick", uid = 7 }),
            Row(HttpMethod.Post, P + "/bans/{banId}/retry", $"{p}/bans/{ids.Ban}/retry"),
            Row(HttpMethod.Delete, P + "/bans/{banId}", $"{p}/bans/{ids.Ban}"),
            Row(HttpMethod.Get, P + "/ncs", $"{p}/ncs"),
            Row(HttpMethod.Put, P + "/ncs", $"{p}/ncs", new { secret = "planted-secret-000" }),
            Row(HttpMethod.Get, P + "/channels", $"{p}/channels"),
            Row(HttpMethod.Post, P + "/channels/refresh", $"{p}/channels/refresh?channel=lobby"),
            Row(HttpMethod.Get, P + "/revocations", $"{p}/revocations"),
            Row(HttpMethod.Post, P + "/revocations", $"{p}/revocations", new { uid = 7 }),
            Row(HttpMethod.Delete, P + "/revocations/{revocationId}", $"{p}/revocations/{ids.Revocation}"),
        ];
    }

    /// A valid identity provider body (public issuer, discovery; nothing is fetched at configuration).
    private static object Provider(string issuer) => new
    {
        name = "IdP",
        issuer,
        audiences = new[] { "app" },
        keySource = "discovery",
        rules = new[] { new { services = new[] { "rtc" }, role = "subscriber", channels = new[] { "room-*" } } },
    };

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Route route)
    {
        var request = new HttpRequestMessage(route.Method, route.Path);
        if (route.Body is not null) request.Content = JsonContent.Create(route.Body);
        return client.SendAsync(request);
    }

    private static async Task<string> SnapshotAsync(TestOrg victim, Guid project)
    {
        var parts = new[]
        {
            victim.Path, $"{victim.Path}/members", $"{victim.Path}/invitations", $"{victim.Path}/projects",
            $"{victim.Path}/projects/{project}", $"{victim.Path}/projects/{project}/certificates", $"{victim.Path}/projects/{project}/policy",
            $"{victim.Path}/projects/{project}/api-keys", $"{victim.Path}/projects/{project}/identity-providers", $"{victim.Path}/notifications", $"{victim.Path}/notifications/deliveries",
            $"{victim.Path}/agora-accounts", $"{victim.Path}/projects/{project}/agora-account", $"{victim.Path}/projects/{project}/bans",
            $"{victim.Path}/projects/{project}/revocations", $"{victim.Path}/projects/{project}/ncs",
        };
        var bodies = new List<string>();
        foreach (var path in parts) bodies.Add(await victim.Owner.GetStringAsync(path));
        return string.Join("\n", bodies);
    }
}
