using System.Globalization;
using System.Text;

namespace Portal.Features.Usage;

/// RFC 4180 CSV. Text cells that a spreadsheet would run as a formula (= + - @) are prefixed with a quote,
/// since project and key names are typed by people; numbers are written as they are.
public static class Csv
{
    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows) Line(text, row.Select(Cell));
        return text.ToString();
    }

    public static string UsageRows(IEnumerable<UsageCsvRow> rows) => Write(["date", "project", "api_key", "service", "outcome", "count"],
        rows.Select(r => new object?[] { r.Date, r.Project, r.ApiKey, r.Service, r.Outcome, r.Count }));

    private static string Cell(object? value) => value switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Guard(value.ToString() ?? ""),
    };

    private static string Guard(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' ? "'" + text : text;

    private static void Line(StringBuilder text, IEnumerable<string> cells)
    {
        text.AppendJoin(',', cells.Select(Escape));
        text.Append("\r\n");
    }

    private static string Escape(string cell)
    {
        return cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;
    }
}
