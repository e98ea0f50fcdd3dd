using Microsoft.EntityFrameworkCore;
using Portal.Data.Tenancy;
using Portal.Features.Notifications;

namespace Portal.Features.Usage;

/// Daily at 00:30 UTC: yesterday's report for every active organization, stored once, then raised as a
/// `report.daily` notification (deduplicated by date). A run that dies half way is completed by the next:
/// stored reports are reused and notifications already raised are not raised again.
public sealed class DailyReportJob(TenantDb tenants, DailyReportService reports, NotificationService notifications, TimeProvider clock,
    ILogger<DailyReportJob> log)
{
    public const string RecurringId = "usage-daily-report";
    public const string Cron = "30 0 * * *";

    public async Task RunAsync(CancellationToken ct) => await RunForDayAsync(UsageDays.Today(clock).AddDays(-1), ct);

    public async Task RunForDayAsync(DateOnly day, CancellationToken ct)
    {
        List<Guid> orgs;
        await using (var db = await tenants.GlobalAsync(ct))
            orgs = await db.Organizations.AsNoTracking().Where(o => !o.IsDisabled).Select(o => o.Id).ToListAsync(ct);
        foreach (var org in orgs)
        {
            try
            {
                var report = await reports.GenerateAsync(org, day, ct);
                await notifications.RaiseAsync(org, NotificationEvents.DailyReport, report.Date, $"Portal usage on {report.Date}: {report.Issued:N0} tokens issued", report, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One organization's failure must not stop the others; the next run completes it.
                log.LogError("Daily report failed for organization {OrganizationId}: {Error}", org, ex.GetType().Name);
            }
        }
    }
}
