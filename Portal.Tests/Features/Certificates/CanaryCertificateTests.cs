using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Certificates;

/// A canary certificate goes in through the API; it may come out only through the audited reveal.
public sealed class CanaryCertificateTests
{
    private const string Canary = "c0ffee00deadbeef5ca1ab1e0ddba115";

    private sealed class CanaryApp : PortalAppFactory
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
            builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        }
    }

    [Fact]
    public async Task CanaryCertificate_NeverAppearsInDatabaseLogsResponsesAuditOrPages()
    {
        await using var app = new CanaryApp();
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var projectId = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Canary", appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var project = $"{org.Path}/projects/{projectId}";
        var imported = await org.Owner.PostAsJsonAsync($"{project}/certificates", new { certificate = Canary, activation = "Now" }, TestContext.Current.CancellationToken);
        var certificateId = (await imported.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // A duplicate import and a malformed variant must not echo it either.
        var responses = new List<string> { await imported.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) };
        responses.Add(await (await org.Owner.PostAsJsonAsync($"{project}/certificates", new { certificate = Canary, activation = "Now" })).Content.ReadAsStringAsync());
        responses.Add(await (await org.Owner.PostAsJsonAsync($"{project}/certificates", new { certificate = Canary + "x", activation = "Now" })).Content.ReadAsStringAsync());
        foreach (var path in new[] { org.Path, $"{org.Path}/projects", project, $"{project}/certificates", $"{project}/policy", "/api/v1/me" })
            responses.Add(await org.Owner.GetStringAsync(path, TestContext.Current.CancellationToken));

        var revealed = await (await org.Owner.PostAsJsonAsync($"{project}/certificates/{certificateId}/reveal", new { password = TestUsers.Password }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(Canary, revealed.GetProperty("certificate").GetString()); // the one audited exit

        // Pages, rendered for a signed-in owner.
        var browser = app.CreateBrowserLikeClient();
        await IdentityPages.LoginAsync(browser, org.OwnerEmail, TestUsers.Password);
        foreach (var page in new[] { "/", "/projects", $"/projects/{projectId}", "/members", "/settings" })
            responses.Add(await (await browser.GetAsync(page, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.All(responses, body => Assert.DoesNotContain(Canary, body, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(Canary, StringComparison.OrdinalIgnoreCase));
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var details = await db.AuditEvents.Select(e => e.Details + e.TargetId + e.ActorName).ToListAsync(TestContext.Current.CancellationToken);
            Assert.NotEmpty(details);
            Assert.DoesNotContain(details, d => d.Contains(Canary, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var file in Directory.GetFiles(app.DataDirectory))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(Canary)), $"{Path.GetFileName(file)} holds the canary in plain text");
            Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(Canary)), $"{Path.GetFileName(file)} holds the canary as UTF-16");
        }
        if (!TestDatabase.IsPostgres) // on PostgreSQL the data directory holds no database file to search
            Assert.Contains(Directory.GetFiles(app.DataDirectory), f => f.EndsWith("portal.db-wal", StringComparison.Ordinal));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
