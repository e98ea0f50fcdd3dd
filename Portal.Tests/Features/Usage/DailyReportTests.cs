using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Tenancy;
using Portal.Data.Usage;
using Portal.Features.Notifications;
using Portal.Features.Usage;
using Portal.Tests.Features.Notifications;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

/// The daily report of a known data set: figures, change against the previous 7 days, top lists, refusals, CSV,
/// stored once however often the job runs, and delivered to the organization's webhook.
public sealed class DailyReportTests(WebhookDeliveryTests.Factory app) : IClassFixture<WebhookDeliveryTests.Factory>
{
    private async Task AddAsync(TestOrg org, Guid project, Guid key, DateOnly day, string service, string outcome, long count)
    {
        await using var db = await app.Services.GetRequiredService<TenantDb>().UnfilteredAsync("test data set", CancellationToken.None);
        db.UsageCounters.Add(new UsageCounter
        {
            OrganizationId = org.Id,
            ProjectId = project,
            ApiKeyId = key,
            Service = service,
            Day = UsageDays.Of(day),
            Outcome = outcome,
            Count = count,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ReportOfAKnownDataSet_HasTheFigures_IsStoredOnce_DownloadsAsCsv_AndIsDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        var alpha = await TokenProject.CreateAsync(app);
        var org = alpha.Org;
        var beta = await TokenProject.CreateAsync(app, org);
        var (k1, k2, k3) = ((await alpha.KeyAsync()).Id, (await alpha.KeyAsync()).Id, (await beta.KeyAsync()).Id);
        var secret = (await (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = receiver.Url })).JsonAsync(HttpStatusCode.OK))
            .GetProperty("webhookSecret").GetString()!;
        var other = await TokenProject.CreateAsync(app); // another organization: never in this report

        var day = UsageDays.Today(app.Clock!).AddDays(-1);
        await AddAsync(org, alpha.ProjectId, k1, day, "rtc", "issued", 100);
        await AddAsync(org, alpha.ProjectId, k1, day, "rtm", "issued", 20);
        await AddAsync(org, alpha.ProjectId, k2, day, "rtc", "issued", 30);
        await AddAsync(org, beta.ProjectId, k3, day, "rtc", "issued", 50);
        await AddAsync(org, alpha.ProjectId, k1, day, "rtc", "rate_limited", 4);
        await AddAsync(org, beta.ProjectId, Guid.Empty, day, "rtc", "key_invalid", 3);
        await AddAsync(org, beta.ProjectId, k3, day, "rtc", "channel_not_allowed", 2);
        for (var d = 1; d <= 7; d++) await AddAsync(org, alpha.ProjectId, k2, day.AddDays(-d), "rtc", "issued", 25); // 175 in the 7 days before
        await AddAsync(org, alpha.ProjectId, k2, day.AddDays(-8), "rtc", "issued", 1000); // outside both windows
        await AddAsync(org, alpha.ProjectId, k2, day.AddDays(1), "rtc", "issued", 999);   // today: not yesterday's report
        await AddAsync(other.Org, other.ProjectId, Guid.Empty, day, "rtc", "issued", 7777);

        var job = app.Services.GetRequiredService<DailyReportJob>();
        await Task.WhenAll(job.RunAsync(CancellationToken.None), job.RunAsync(CancellationToken.None));
        await job.RunAsync(CancellationToken.None);

        var date = day.ToString("yyyy-MM-dd");
        var list = await (await org.Owner.GetAsync($"{org.Path}/reports")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, list.GetArrayLength());
        var report = await (await org.Owner.GetAsync($"{org.Path}/reports/{date}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(date, report.GetProperty("date").GetString());
        Assert.Equal(200, report.GetProperty("issued").GetInt64());
        Assert.Equal(9, report.GetProperty("refused").GetInt64());
        Assert.Equal(175, report.GetProperty("previousSevenDaysIssued").GetInt64());
        Assert.Equal(25.0, report.GetProperty("previousDailyAverage").GetDouble());
        Assert.Equal(700.0, report.GetProperty("changePercent").GetDouble());
        Assert.Equal(["rtc:180", "rtm:20"], report.GetProperty("byService").EnumerateArray().Select(s => $"{s.GetProperty("service")}:{s.GetProperty("issued")}"));
        Assert.Equal([(alpha.ProjectId, 150L), (beta.ProjectId, 50L)],
            report.GetProperty("topProjects").EnumerateArray().Select(p => (p.GetProperty("id").GetGuid(), p.GetProperty("count").GetInt64())));
        Assert.Equal([(k1, 120L), (k3, 50L), (k2, 30L)],
            report.GetProperty("topKeys").EnumerateArray().Select(p => (p.GetProperty("id").GetGuid(), p.GetProperty("count").GetInt64())));
        Assert.Equal(["rate_limited:4", "key_invalid:3", "channel_not_allowed:2"],
            report.GetProperty("refusals").EnumerateArray().Select(r => $"{r.GetProperty("code")}:{r.GetProperty("count")}"));

        var csv = await (await org.Owner.GetAsync($"{org.Path}/reports/{date}/csv")).Content.ReadAsStringAsync();
        Assert.StartsWith("section,item,value\r\nsummary,date," + date + "\r\nsummary,tokens_issued,200\r\n", csv);
        Assert.Contains("summary,change_percent,700\r\n", csv);
        Assert.Contains("refusal,rate_limited,4\r\n", csv);
        Assert.Contains("top_project,Tokens,150\r\n", csv);
        await ProblemAssert.IsProblemAsync(await other.Org.Owner.GetAsync($"{org.Path}/reports/{date}"), HttpStatusCode.NotFound, "not_found");

        // One notification for the report however often the job ran; its webhook carries the figures, signed.
        await using (var db = await app.Services.GetRequiredService<TenantDb>().UnfilteredAsync("test", CancellationToken.None))
        {
            var sent = await db.Notifications.Where(n => n.OrganizationId == org.Id && n.Kind == "report.daily").ToListAsync();
            Assert.Single(sent);
            await app.Services.GetRequiredService<NotificationDeliveryJob>().DeliverAsync(sent[0].Id, CancellationToken.None);
        }
        var delivered = Assert.Single(receiver.Requests);
        Assert.True(WebhookSignature.Verify(secret, delivered.Signature!, delivered.Body, app.Clock!.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var data = JsonDocument.Parse(delivered.Body).RootElement.GetProperty("data");
        Assert.Equal(200, data.GetProperty("issued").GetInt64());
        Assert.Equal("report.daily", delivered.Event);
    }
}
