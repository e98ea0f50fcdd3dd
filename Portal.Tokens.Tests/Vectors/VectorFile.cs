using System.Text.Json;

namespace Portal.Tokens.Tests.Vectors;

/// Agora's published vectors (a copy of shared/agora/test-vectors.json).
internal static class VectorFile
{
    private static readonly Lazy<JsonElement[]> All = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "test-vectors.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.Clone()).ToArray();
    });

    public static JsonElement Get(string id) => All.Value.Single(v => v.GetProperty("id").GetString() == id);

    public static TheoryData<string> Ids(Func<JsonElement, bool> predicate) =>
        new(All.Value.Where(predicate).Select(v => v.GetProperty("id").GetString()!));

    public static string Format(this JsonElement v) => v.GetProperty("format").GetString()!;

    public static string Category(this JsonElement v) => v.GetProperty("category").GetString()!;

    public static string? Str(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    public static uint U32(this JsonElement e, string name) => e.GetProperty(name).GetUInt32();
}
