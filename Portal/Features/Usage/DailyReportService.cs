using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Common;
using Portal.Data.Tenancy;
using Portal.Data.Usage;
using Portal.Features.Organizations;

namespace Portal.Features.Usage;

public sealed record ServiceCount(string Service, long Issued);

/// What a daily report says. Stored as JSON in <see cref="DailyReport.Content"/> and sent as the webhook's data.
public sealed record DailyReportContent(string Date, long Issued, long Refused, long PreviousSevenDaysIssued,
    double PreviousDailyAverage, double? ChangePercent, IReadOnlyList<ServiceCount> ByService,
    IReadOnlyList<NamedCount> TopProjects, IReadOnlyList<NamedCount> TopKeys, IReadOnlyList<ReasonCount> Refusals);

public sealed record DailyReportItem(string Date, long Issued, long Refused, double? ChangePercent, DateTimeOffset CreatedAt);

/// Builds, stores and reads the organizations' daily usage reports.
public sealed class DailyReportService(OrganizationAccess access, TenantDb tenants, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// Builds the report of one UTC day once; later calls (a job run twice, two replicas) return the stored one.
    public async Task<DailyReportContent> GenerateAsync(Guid organizationId, DateOnly day, CancellationToken ct)
    {
        await using var db = await tenants.ForOrganizationAsync(organizationId, ct);
        var key = UsageDays.Of(day);
        if (await db.DailyReports.AsNoTracking().SingleOrDefaultAsync(r => r.Day == key, ct) is { } stored)
            return Read(stored);

        var today = UsageDays.Today(clock);
        var rows = await UsageSource.ReadAsync(db, today, UsageDays.Of(day.AddDays(-7)), key, null, ct);
        var summary = await UsageService.SummarizeAsync(db, rows.Where(r => r.Day == key).ToList(), day, day, ct);
        var previous = rows.Where(r => r.Day < key && r.Outcome == UsageRecorder.Issued).Sum(r => r.Count);
        var average = Math.Round(previous / 7.0, 1);
        double? change = previous == 0 ? null : Math.Round((summary.Issued - previous / 7.0) * 100 / (previous / 7.0), 1);
        var content = new DailyReportContent(UsageDays.Text(key), summary.Issued, summary.Refused, previous, average, change,
            summary.Days.GroupBy(d => d.Service).Select(g => new ServiceCount(g.Key, g.Sum(d => d.Issued))).OrderBy(s => s.Service, StringComparer.Ordinal).ToList(),
            summary.TopProjects, summary.TopKeys, summary.Refusals);

        db.DailyReports.Add(new DailyReport
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            Day = key,
            CreatedAt = clock.GetUtcNow(),
            Issued = content.Issued,
            Refused = content.Refused,
            Content = JsonSerializer.Serialize(content, Json),
        });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Another run stored the same day first: theirs is the report.
            await using var again = await tenants.ForOrganizationAsync(organizationId, ct);
            return Read(await again.DailyReports.AsNoTracking().SingleAsync(r => r.Day == key, ct));
        }
        return content;
    }

    public async Task<IReadOnlyList<DailyReportItem>> ListAsync(OrgCaller caller, int take, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is not null) return [];
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var reports = await db.DailyReports.AsNoTracking().OrderByDescending(r => r.Day).Take(Math.Clamp(take, 1, 400)).ToListAsync(ct);
        return reports.Select(r => (Report: r, Content: Read(r)))
            .Select(x => new DailyReportItem(x.Content.Date, x.Report.Issued, x.Report.Refused, x.Content.ChangePercent, x.Report.CreatedAt)).ToList();
    }

    public async Task<Result<DailyReportContent>> GetAsync(OrgCaller caller, DateOnly day, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        await using var db = await tenants.ForOrganizationAsync(caller.OrganizationId, ct);
        var key = UsageDays.Of(day);
        var report = await db.DailyReports.AsNoTracking().SingleOrDefaultAsync(r => r.Day == key, ct);
        return report is null ? ServiceError.NotFound("report") : Read(report);
    }

    private static DailyReportContent Read(DailyReport report) => JsonSerializer.Deserialize<DailyReportContent>(report.Content, Json)!;

    /// One CSV for a report: a section column keeps summary, services, top lists and refusals in one table.
    public static string ToCsv(DailyReportContent r) => Csv.Write(["section", "item", "value"],
        new List<object?[]>
        {
            new object?[] { "summary", "date", r.Date },
            new object?[] { "summary", "tokens_issued", r.Issued },
            new object?[] { "summary", "requests_refused", r.Refused },
            new object?[] { "summary", "previous_7_days_issued", r.PreviousSevenDaysIssued },
            new object?[] { "summary", "previous_7_days_daily_average", r.PreviousDailyAverage },
            new object?[] { "summary", "change_percent", r.ChangePercent },
        }
        .Concat(r.ByService.Select(s => new object?[] { "service", s.Service, s.Issued }))
        .Concat(r.TopProjects.Select(p => new object?[] { "top_project", p.Name, p.Count }))
        .Concat(r.TopKeys.Select(k => new object?[] { "top_key", k.Name, k.Count }))
        .Concat(r.Refusals.Select(x => new object?[] { "refusal", x.Code, x.Count })));
}
