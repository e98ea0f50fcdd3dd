using System.Globalization;
using System.Text;

namespace Portal.Common;

/// RFC 4180 CSV, for every export (usage, daily reports, the audit log). Text cells that a spreadsheet would run as a
/// formula are prefixed with a quote, since project and key names are typed by people; numbers are written as they are.
public static class Csv
{
    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows) Line(text, row);
        return text.ToString();
    }

    /// Appends one cell, quoted when it holds a comma, quote or line break. A text a spreadsheet would run as a formula
    /// (=, +, -, @ first, or a tab or carriage return, which some strip before looking) gets a leading apostrophe, quoted.
    /// <paramref name="guard"/> is off for numbers: "-5" is a number, not a formula.
    public static void Cell(StringBuilder line, string? value, bool guard = true)
    {
        if (string.IsNullOrEmpty(value)) return;
        var formula = guard && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = formula || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (quote) line.Append('"');
        if (formula) line.Append('\'');
        if (quote) line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)); else line.Append(value);
        if (quote) line.Append('"');
    }

    private static void Line(StringBuilder text, IEnumerable<object?> cells)
    {
        var first = true;
        foreach (var value in cells)
        {
            if (!first) text.Append(',');
            first = false;
            if (value is IFormattable f) Cell(text, f.ToString(null, CultureInfo.InvariantCulture), guard: false);
            else Cell(text, value?.ToString());
        }
        text.Append("\r\n");
    }
}
