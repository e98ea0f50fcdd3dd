using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Account;

public sealed class ManagementTokenTests : IClassFixture<PortalAppFactory>
{
    private readonly PortalAppFactory _app;
    public ManagementTokenTests(PortalAppFactory app) => _app = app;

    [Fact]
    public async Task NamedToken_IsShownOnceStoredAsHashAndRevocable()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestUsers.Password },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());

        var created = await client.PostAsJsonAsync("/api/v1/me/tokens", new { name = "CI deploy" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var secret = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("info").GetProperty("id").GetGuid();

        var listed = await client.GetStringAsync("/api/v1/me/tokens", TestContext.Current.CancellationToken);
        Assert.Contains("CI deploy", listed);
        Assert.DoesNotContain(secret, listed);
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var row = await db.ManagementTokens.SingleAsync(t => t.Id == id, TestContext.Current.CancellationToken);
            Assert.Equal(secret[..12], row.Prefix);
            Assert.DoesNotContain(await db.AuditEvents.Select(e => e.Details).ToListAsync(TestContext.Current.CancellationToken), d => d.Contains(secret));
        }

        var withNew = _app.CreateClient();
        withNew.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("/api/v1/me", TestContext.Current.CancellationToken)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/me/tokens/{id}", TestContext.Current.CancellationToken)).StatusCode);
        await ProblemAssert.IsProblemAsync(await withNew.GetAsync("/api/v1/me", TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized, "unauthorized");
        await using var db2 = await _app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.True(await db2.AuditEvents.AnyAsync(e => e.Type == AuditEventType.ManagementTokenRevoked && e.TargetId == id.ToString(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreatingToken_WithoutName_Returns400Problem()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestUsers.Password },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/me/tokens", new { name = " " }, TestContext.Current.CancellationToken),
            HttpStatusCode.BadRequest, "name_required");
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/v1/me/tokens/{Guid.NewGuid()}", TestContext.Current.CancellationToken),
            HttpStatusCode.NotFound, "not_found");
    }
}
