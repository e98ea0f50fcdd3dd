using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Usage;
using Portal.Features.Usage;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

/// The hourly rollup and the daily clean-up on a fake clock, against the raw counters the flusher writes.
public sealed class UsageRollupTests(UsageRollupTests.Factory app) : IClassFixture<UsageRollupTests.Factory>
{
    public sealed class Factory() : PortalAppFactory(settings: new Dictionary<string, string?> { ["Portal:Jobs:RunServer"] = "false" },
        clock: TestClock.Create());

    private FakeTimeProvider Clock => app.Clock!;

    private Task RollUpAsync() => app.Services.GetRequiredService<UsageRollupJob>().RunAsync(CancellationToken.None);

    /// Unfiltered, as the flusher's: the test writes raw counters the way the flusher does.
    private Task<PortalDbContext> DbAsync() =>
        app.Services.GetRequiredService<Portal.Data.Tenancy.TenantDb>().UnfilteredAsync("test data set", CancellationToken.None);

    /// A known data set: 2 keys × 3 services × 3 outcomes per day over the last `days` days, with varied counts.
    private async Task<TokenProject> SeedAsync(int days)
    {
        var project = await TokenProject.CreateAsync(app);
        var keys = new[] { (await project.KeyAsync()).Id, (await project.KeyAsync()).Id };
        var today = UsageDays.Today(Clock);
        await using var db = await DbAsync();
        var n = 0;
        for (var d = 0; d < days; d++)
            foreach (var key in keys)
                foreach (var service in new[] { "rtc", "rtm", "verify" })
                    foreach (var outcome in new[] { "issued", "rate_limited", "channel_not_allowed" })
                        db.UsageCounters.Add(new UsageCounter
                        {
                            OrganizationId = project.Org.Id,
                            ProjectId = project.ProjectId,
                            ApiKeyId = key,
                            Service = service,
                            Day = UsageDays.Of(today.AddDays(-d)),
                            Outcome = outcome,
                            Count = 1 + (n++ * 7919 % 97),
                        });
        await db.SaveChangesAsync();
        return project;
    }

    private async Task<(List<string> Raw, List<string> Daily)> BothAsync(Guid projectId, int fromDay)
    {
        await using var db = await DbAsync();
        static string Row(Guid k, string s, int d, string o, long c) => $"{d}|{k}|{s}|{o}|{c}";
        var raw = (await db.UsageCounters.IgnoreQueryFilters().Where(u => u.ProjectId == projectId && u.Day >= fromDay).ToListAsync())
            .Select(u => Row(u.ApiKeyId, u.Service, u.Day, u.Outcome, u.Count)).Order().ToList();
        var daily = (await db.UsageDaily.IgnoreQueryFilters().Where(u => u.ProjectId == projectId && u.Day >= fromDay).ToListAsync())
            .Select(u => Row(u.ApiKeyId, u.Service, u.Day, u.Outcome, u.Count)).Order().ToList();
        return (raw, daily);
    }

    [Fact]
    public async Task Rollup_EqualsTheRawCounters_AfterRunningTwice_Concurrently_AndAfterAPartialRun()
    {
        var project = await SeedAsync(35); // the raw counters' retention
        await RollUpAsync();
        var (raw, daily) = await BothAsync(project.ProjectId, 0);
        Assert.Equal(35 * 2 * 3 * 3, raw.Count);
        Assert.Equal(raw, daily);

        // Counts keep arriving for today; two overlapping runs and a third give the same rows.
        await using (var db = await DbAsync())
            await db.UsageCounters.IgnoreQueryFilters().Where(u => u.ProjectId == project.ProjectId && u.Day == UsageDays.Of(UsageDays.Today(Clock)))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count + 5));
        await Task.WhenAll(RollUpAsync(), RollUpAsync());
        await RollUpAsync();
        (raw, daily) = await BothAsync(project.ProjectId, 0);
        Assert.Equal(raw, daily);

        // A run that died half way left some days unrolled (here: removed); the next run finds and completes them.
        var tenDaysAgo = UsageDays.Of(UsageDays.Today(Clock).AddDays(-10));
        await using (var db = await DbAsync())
            await db.UsageDaily.IgnoreQueryFilters().Where(u => u.ProjectId == project.ProjectId && u.Day <= tenDaysAgo && u.Outcome == "issued").ExecuteDeleteAsync();
        await RollUpAsync();
        (raw, daily) = await BothAsync(project.ProjectId, 0);
        Assert.Equal(raw, daily);
    }

    [Fact]
    public async Task Cleanup_KeepsRawCounters35Days_AndAggregates400Days_AndTheUsageApiStillAnswersFromAggregates()
    {
        var project = await SeedAsync(40); // older than 35 days: an upgrade, or the clean-up did not run for a while
        await RollUpAsync();
        await app.Services.GetRequiredService<UsageCleanupJob>().RunAsync(CancellationToken.None);
        var today = UsageDays.Today(Clock);
        await using (var db = await DbAsync())
        {
            var rawDays = await db.UsageCounters.IgnoreQueryFilters().Where(u => u.ProjectId == project.ProjectId).Select(u => u.Day).Distinct().ToListAsync();
            Assert.Equal(UsageDays.Of(today.AddDays(-35)), rawDays.Min()); // day -35 is the oldest kept; 36..39 are gone
            Assert.Equal(36, rawDays.Count);
            Assert.Equal(40, await db.UsageDaily.IgnoreQueryFilters().Where(u => u.ProjectId == project.ProjectId).Select(u => u.Day).Distinct().CountAsync());
        }

        // Day -39 now exists only as an aggregate: the usage API answers from it, with the same figures.
        var owner = await ApiActors.ClientForAsync(app, project.Org.OwnerEmail);
        var day = today.AddDays(-39).ToString("yyyy-MM-dd");
        var summary = await (await owner.GetAsync($"{project.Org.Path}/usage?from={day}&to={day}&projectId={project.ProjectId}"))
            .JsonAsync(System.Net.HttpStatusCode.OK);
        await using (var db = await DbAsync())
        {
            var expected = await db.UsageDaily.IgnoreQueryFilters()
                .Where(u => u.ProjectId == project.ProjectId && u.Day == UsageDays.Of(today.AddDays(-39)) && u.Outcome == "issued").SumAsync(u => u.Count);
            Assert.True(expected > 0);
            Assert.Equal(expected, summary.GetProperty("issued").GetInt64());
        }

        // 400 days later the aggregates go too; running the clean-up twice changes nothing more.
        Clock.Advance(TimeSpan.FromDays(401));
        await app.Services.GetRequiredService<UsageCleanupJob>().RunAsync(CancellationToken.None);
        await app.Services.GetRequiredService<UsageCleanupJob>().RunAsync(CancellationToken.None);
        await using (var db = await DbAsync())
        {
            Assert.False(await db.UsageCounters.IgnoreQueryFilters().AnyAsync(u => u.ProjectId == project.ProjectId));
            Assert.False(await db.UsageDaily.IgnoreQueryFilters().AnyAsync(u => u.ProjectId == project.ProjectId));
        }
    }
}
