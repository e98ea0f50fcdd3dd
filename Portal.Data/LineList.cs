namespace Portal.Data;

/// Short lists stored as one text column, one item per line (channel prefixes, allowed origins).
public static class LineList
{
    public static string[] Split(string value) =>
        value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// Trimmed, without empty or repeated items.
    public static string Join(IEnumerable<string> items) =>
        string.Join('\n', items.Select(x => x.Trim()).Where(x => x.Length > 0).Distinct());
}
