using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Features.ApiKeys;

/// A key's rate limit: requests per minute, or unlimited (stored as 0, which no counted limit can be). In JSON a
/// number or the string "unlimited". Anything else reads as <see cref="Invalid"/>, so the service can answer
/// `rate_limit_invalid` next to the field instead of a bare `invalid_json`.
[JsonConverter(typeof(KeyRateLimitJson))]
public readonly record struct KeyRateLimit(int PerMinute)
{
    public const string UnlimitedText = "unlimited";
    public static readonly KeyRateLimit Unlimited = new(0);
    public static readonly KeyRateLimit Invalid = new(-1);

    public bool IsUnlimited => PerMinute == 0;

    /// "600/min", "10,000,000/min" or "unlimited".
    public override string ToString() => IsUnlimited ? UnlimitedText : PerMinute.ToString("N0", CultureInfo.InvariantCulture) + "/min";
}

public sealed class KeyRateLimitJson : JsonConverter<KeyRateLimit>
{
    public override KeyRateLimit Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt32(out var n) && n > 0 ? new KeyRateLimit(n) : KeyRateLimit.Invalid,
        JsonTokenType.String => reader.ValueTextEquals(KeyRateLimit.UnlimitedText) ? KeyRateLimit.Unlimited : KeyRateLimit.Invalid,
        _ => throw new JsonException("rateLimitPerMinute is a number or \"unlimited\"."),
    };

    public override void Write(Utf8JsonWriter writer, KeyRateLimit value, JsonSerializerOptions options)
    {
        if (value.IsUnlimited) writer.WriteStringValue(KeyRateLimit.UnlimitedText);
        else writer.WriteNumberValue(value.PerMinute);
    }
}

/// The OpenAPI document describes the union as it is on the wire (a custom converter leaves the generator no shape).
public static class KeyRateLimitSchema
{
    public static Task Transform(Microsoft.OpenApi.OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type != typeof(KeyRateLimit)) return Task.CompletedTask;
        schema.Type = null;
        schema.Properties?.Clear();
        schema.Description = "Requests per minute (secret keys 1 to 10,000,000, publishable keys 1 to 100,000), or \"unlimited\" (secret keys only).";
        schema.OneOf =
        [
            new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "10000000" },
            new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create(KeyRateLimit.UnlimitedText)] },
        ];
        return Task.CompletedTask;
    }
}
