using System.Globalization;
using System.Text.Json;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// One event as the API and the JSON Lines export write it. The details are the stored JSON object, unchanged,
/// and both hashes are included so a reader can re-check the chain.
public static class AuditEventJson
{
    public static void Write(Utf8JsonWriter w, AuditEvent e)
    {
        w.WriteStartObject();
        w.WriteNumber("sequence", e.Sequence);
        w.WriteString("occurredAt", e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (e.OrganizationId is { } org) w.WriteString("organizationId", org); else w.WriteNull("organizationId");
        w.WriteString("type", e.Type.ToString());
        w.WriteNumber("typeCode", (int)e.Type);
        w.WriteString("area", AuditAreas.Of(e.Type)?.Key);
        w.WriteStartObject("actor");
        w.WriteString("type", e.ActorType.ToString());
        w.WriteString("id", e.ActorId);
        w.WriteString("name", e.ActorName);
        w.WriteString("ipAddress", e.IpAddress);
        w.WriteString("userAgent", e.UserAgent);
        w.WriteEndObject();
        w.WriteStartObject("target");
        w.WriteString("type", e.TargetType);
        w.WriteString("id", e.TargetId);
        w.WriteEndObject();
        w.WriteBoolean("succeeded", e.Succeeded);
        w.WritePropertyName("details");
        WriteDetails(w, e.Details);
        w.WriteString("previousHash", e.PreviousHash);
        w.WriteString("hash", e.Hash);
        w.WriteEndObject();
    }

    /// Written by AuditLog with the JSON serializer, so always an object; a row edited into invalid JSON is
    /// exported as a string rather than breaking the whole export (the chain check reports the edit).
    private static void WriteDetails(Utf8JsonWriter w, string details)
    {
        try { w.WriteRawValue(details); }
        catch (JsonException) { w.WriteStringValue(details); }
        catch (ArgumentException) { w.WriteStringValue(details); }
    }
}
