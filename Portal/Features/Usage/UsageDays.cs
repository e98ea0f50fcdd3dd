namespace Portal.Features.Usage;

/// Usage rows name their UTC day as yyyymmdd (an int sorts and groups the same on every provider).
public static class UsageDays
{
    public static int Of(DateOnly date) => date.Year * 10_000 + date.Month * 100 + date.Day;

    public static DateOnly ToDate(int day) => new(day / 10_000, day / 100 % 100, day % 100);

    public static string Text(int day) => ToDate(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
