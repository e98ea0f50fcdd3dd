using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
    private sealed record Route(HttpMethod Method, string Path, object? Body, bool IsWrite);

    [Fact]
    public async Task EveryRoute_WithAnotherOrganizationsIds_BehavesAsIfTheyDidNotExist()
    {
        var admin = await ApiActors.PlatformAdminAsync(app);
        var attacker = await ApiActors.OrganizationAsync(app, admin, "Attacker Inc");
        var victim = await ApiActors.OrganizationAsync(app, admin, "Victim Ltd");
        var (victimAuditor, _) = await ApiActors.MemberAsync(app, victim.Owner, victim.Id, "Auditor");
        var project = (await (await victim.Owner.PostAsJsonAsync($"{victim.Path}/projects", new { name = "Secret project", appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var active = (await (await victim.Owner.PostAsJsonAsync($"{victim.Path}/projects/{project}/certificates", new { activation = "Now" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var staged = (await (await victim.Owner.PostAsJsonAsync($"{victim.Path}/projects/{project}/certificates", new { activation = "Staged" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var member = (await (await victim.Owner.GetAsync($"{victim.Path}/members")).JsonAsync(HttpStatusCode.OK))
            .EnumerateArray().First().GetProperty("id").GetGuid();
        var policy = JsonDocument.Parse(await victim.Owner.GetStringAsync($"{victim.Path}/projects/{project}/policy")).RootElement;
        var attackerProject = (await (await attacker.Owner.PostAsJsonAsync($"{attacker.Path}/projects", new { name = "Mine", appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var before = await SnapshotAsync(victim, project);

        var routes = RoutesFor(victim.Path, project, active, staged, member, policy);
        // The attacker's own organization path combined with the victim's project and certificate ids.
        var mixed = RoutesFor(attacker.Path, project, active, staged, Guid.NewGuid(), policy)
            .Where(r => r.Path.Contains("/projects/") || r.Path.Contains("projectId=")).ToList();
        // And the attacker's own project with the victim's certificate ids.
        var mixedCertificates = RoutesFor(attacker.Path, attackerProject, active, staged, Guid.NewGuid(), policy)
            .Where(r => r.Path.Contains(active.ToString()) || r.Path.Contains(staged.ToString())).ToList();
        var anonymous = app.CreateClient();
        var tried = 0;

        foreach (var route in routes.Concat(mixed).Concat(mixedCertificates))
        {
            await ProblemAssert.IsProblemAsync(await SendAsync(attacker.Owner, route), HttpStatusCode.NotFound, "not_found");
            tried++;
        }
        foreach (var route in routes)
        {
            await ProblemAssert.IsProblemAsync(await SendAsync(anonymous, route), HttpStatusCode.Unauthorized, "unauthorized");
            tried++;
            if (!route.IsWrite) continue;
            var response = await SendAsync(victimAuditor, route);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{route.Method} {route.Path}: {(int)response.StatusCode}");
            tried++;
        }

        Assert.Equal(96, tried); // 48 as a stranger, 32 anonymous, 16 writes as the victim's Auditor
        Assert.Equal(before, await SnapshotAsync(victim, project));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.True(await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.CrossOrganizationAccessRefused && e.OrganizationId == victim.Id,
            TestContext.Current.CancellationToken) >= routes.Count);
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

    private static List<Route> RoutesFor(string org, Guid project, Guid active, Guid staged, Guid member, JsonElement policy)
    {
        var p = $"{org}/projects/{project}";
        return
        [
            new(HttpMethod.Get, org, null, false),
            new(HttpMethod.Patch, org, new { name = "pwned" }, true),
            new(HttpMethod.Get, $"{org}/members", null, false),
            new(HttpMethod.Patch, $"{org}/members/{member}", new { role = "Admin" }, true),
            new(HttpMethod.Delete, $"{org}/members/{member}", null, true),
            new(HttpMethod.Get, $"{org}/invitations", null, false),
            new(HttpMethod.Post, $"{org}/invitations", new { email = "mole@example.test", role = "Owner" }, true),
            new(HttpMethod.Post, $"{org}/join", null, true),
            new(HttpMethod.Get, $"{org}/projects", null, false),
            new(HttpMethod.Post, $"{org}/projects", new { name = "planted", appId = ApiActors.NewAppId() }, true),
            new(HttpMethod.Get, p, null, false),
            new(HttpMethod.Patch, p, new { name = "pwned", status = "Disabled" }, true),
            new(HttpMethod.Delete, p, null, true),
            new(HttpMethod.Get, $"{p}/certificates", null, false),
            new(HttpMethod.Post, $"{p}/certificates", new { certificate = ApiActors.NewCertificate(), activation = "Now" }, true),
            new(HttpMethod.Post, $"{p}/certificates/{staged}/promote", null, true),
            new(HttpMethod.Post, $"{p}/certificates/rotate", null, true),
            new(HttpMethod.Delete, $"{p}/certificates/{active}", null, true),
            new(HttpMethod.Post, $"{p}/certificates/{active}/reveal", new { password = TestUsers.Password }, true),
            new(HttpMethod.Get, $"{p}/policy", null, false),
            new(HttpMethod.Put, $"{p}/policy", policy, true),
            new(HttpMethod.Get, $"{p}/usage", null, false),
            new(HttpMethod.Get, $"{org}/usage?projectId={project}", null, false),
            new(HttpMethod.Get, $"{org}/usage", null, false),
            new(HttpMethod.Get, $"{org}/usage.csv", null, false),
            new(HttpMethod.Get, $"{org}/reports", null, false),
            new(HttpMethod.Get, $"{org}/reports/2026-01-01", null, false),
            new(HttpMethod.Get, $"{org}/reports/2026-01-01/csv", null, false),
            new(HttpMethod.Get, $"{org}/notifications", null, false),
            new(HttpMethod.Put, $"{org}/notifications", new { webhookUrl = "https://attacker.example/hook" }, true),
            new(HttpMethod.Post, $"{org}/notifications/test", null, true),
            new(HttpMethod.Get, $"{org}/notifications/deliveries", null, false),
        ];
    }

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
            $"{victim.Path}/notifications", $"{victim.Path}/notifications/deliveries",
        };
        var bodies = new List<string>();
        foreach (var path in parts) bodies.Add(await victim.Owner.GetStringAsync(path));
        return string.Join("\n", bodies);
    }
}
