using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

/// A graceful stop writes the counts of the last couple of seconds: a deploy or restart loses no usage.
public sealed class UsageFlushOnStopTests
{
    [Fact]
    public async Task StoppingTheApp_WritesTheLastCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        Guid projectId;
        string dataDirectory;
        await using (var app = new PortalAppFactory())
        {
            var project = await TokenProject.CreateAsync(app);
            var (key, _) = await project.KeyAsync();
            for (var uid = 1; uid <= 3; uid++)
                (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid }, ct)).EnsureSuccessStatusCode();
            (projectId, dataDirectory) = (project.ProjectId, app.DataDirectory);
        } // within the 2-second flush interval, so the last counts at least are still in memory when the app stops

        await using var reopened = new PortalAppFactory(dataDirectory, new Dictionary<string, string?> { ["Portal:Jobs:RunServer"] = "false" });
        await using var db = await reopened.Services.GetRequiredService<Portal.Data.Tenancy.TenantDb>().UnfilteredAsync("test reads usage", ct);
        Assert.Equal(3, await db.UsageCounters.Where(u => u.ProjectId == projectId && u.Outcome == "issued").SumAsync(u => u.Count, ct));
    }
}
