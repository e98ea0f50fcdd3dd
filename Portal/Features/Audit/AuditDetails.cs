using System.Text.Json;

namespace Portal.Features.Audit;

/// One readable line from an audit event's JSON details, for lists: "fingerprint: 5ca1…ecab, activation: Now",
/// and for before/after pairs only what changed: "defaultLifetimeSeconds: 3600 → 7200".
public static class AuditDetails
{
    public static string Summarize(string details, string? skip = null, int max = 160)
    {
        try
        {
            using var json = JsonDocument.Parse(details);
            if (json.RootElement.ValueKind != JsonValueKind.Object) return Cut(details, max);
            var root = json.RootElement;
            var parts = new List<string>();
            if (root.TryGetProperty("before", out var before) && root.TryGetProperty("after", out var after)
                && before.ValueKind == JsonValueKind.Object && after.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in after.EnumerateObject())
                {
                    var old = before.TryGetProperty(property.Name, out var b) ? Text(b) : "—";
                    var now = Text(property.Value);
                    if (old != now) parts.Add($"{property.Name}: {old} → {now}");
                }
                if (parts.Count == 0) parts.Add("no change");
            }
            else
            {
                foreach (var property in root.EnumerateObject())
                    if (property.Name != skip && property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array))
                        parts.Add($"{property.Name}: {Text(property.Value)}");
            }
            return Cut(string.Join(", ", parts), max);
        }
        catch (JsonException)
        {
            return Cut(details, max);
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Text)) + "]",
        JsonValueKind.Null => "—",
        _ => value.GetRawText(),
    };

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
