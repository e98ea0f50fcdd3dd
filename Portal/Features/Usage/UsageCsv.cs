using Portal.Common;

namespace Portal.Features.Usage;

public static class UsageCsv
{
    /// The usage export: one line per day, project, key, service and outcome.
    public static string Rows(IEnumerable<UsageCsvRow> rows) => Csv.Write(["date", "project", "api_key", "service", "outcome", "count"],
        rows.Select(r => new object?[] { r.Date, r.Project, r.ApiKey, r.Service, r.Outcome, r.Count }));
}
