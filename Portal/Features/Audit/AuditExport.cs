using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Portal.Common;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

public enum AuditExportFormat { Csv, Jsonl }

/// Streams the filtered audit log as CSV or JSON Lines. Rows are read from the database as they are written to
/// the response, through one 64 KiB buffer, so an export of any size holds a buffer's worth of events in memory.
/// The export itself is audited first; it then covers the log up to just before its own event.
public sealed class AuditExport(AuditSearch search, AuditLog audit, Data.Tenancy.TenantDb tenants, TimeProvider clock)
{
    private const int FlushBytes = 64 * 1024;

    public static readonly string[] CsvColumns =
    [
        "sequence", "occurredAt", "organizationId", "type", "typeCode", "actorType", "actorId", "actorName", "ipAddress",
        "userAgent", "targetType", "targetId", "succeeded", "details", "previousHash", "hash",
    ];

    public static Result<AuditExportFormat> ParseFormat(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" or "csv" => AuditExportFormat.Csv,
        "jsonl" or "ndjson" => AuditExportFormat.Jsonl,
        _ => ServiceError.Validation("format_invalid", "`format` must be csv or jsonl.", "format"),
    };

    /// Records the export, then answers the file. `filter.Limit` and `filter.Before` are ignored: an export is everything that matches.
    public async Task<IResult> ResultAsync(AuditScope scope, AuditFilter filter, AuditExportFormat format, CancellationToken ct)
    {
        var upTo = await search.TailAsync(ct);
        await using (var db = await tenants.GlobalAsync(ct))
            await audit.SaveAsync(db, scope.Actor, new AuditEntry(AuditEventType.AuditExported, "audit_log", scope.OrganizationId?.ToString(),
                new { format = format.ToString().ToLowerInvariant(), filter = filter.ToQueryString(), upToSequence = upTo }, scope.OrganizationId), ct);
        var snapshot = filter with { Before = upTo + 1 };
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var name = $"audit-{(scope.OrganizationId?.ToString("N")[..8] ?? "platform")}-{stamp}.{(format == AuditExportFormat.Csv ? "csv" : "jsonl")}";
        return new StreamedFile(this, scope, snapshot, format, name);
    }

    /// Writes every matching event to <paramref name="body"/>; returns the number written.
    public async Task<long> WriteAsync(Stream body, AuditScope scope, AuditFilter filter, AuditExportFormat format, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        using var json = new Utf8JsonWriter(buffer);
        var line = new StringBuilder(1024);
        if (format == AuditExportFormat.Csv) Append(buffer, string.Join(',', CsvColumns) + "\r\n");
        long count = 0;
        await foreach (var e in search.StreamAsync(scope, filter, ct))
        {
            if (format == AuditExportFormat.Csv)
            {
                line.Clear();
                Csv(line, e);
                Append(buffer, line);
            }
            else
            {
                json.Reset(buffer);
                AuditEventJson.Write(json, e);
                json.Flush();
                buffer.Write("\n"u8);
            }
            count++;
            if (buffer.WrittenCount >= FlushBytes)
            {
                await body.WriteAsync(buffer.WrittenMemory, ct);
                buffer.ResetWrittenCount();
            }
        }
        if (buffer.WrittenCount > 0) await body.WriteAsync(buffer.WrittenMemory, ct);
        await body.FlushAsync(ct);
        return count;
    }

    private static void Csv(StringBuilder line, AuditEvent e)
    {
        Field(line, e.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(line, e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Field(line, e.OrganizationId?.ToString());
        Field(line, e.Type.ToString());
        Field(line, ((int)e.Type).ToString(CultureInfo.InvariantCulture));
        Field(line, e.ActorType.ToString());
        Field(line, e.ActorId);
        Field(line, e.ActorName);
        Field(line, e.IpAddress);
        Field(line, e.UserAgent);
        Field(line, e.TargetType);
        Field(line, e.TargetId);
        Field(line, e.Succeeded ? "true" : "false");
        Field(line, e.Details);
        Field(line, e.PreviousHash);
        Field(line, e.Hash, last: true);
    }

    /// RFC 4180 quoting and the formula guard of the usage CSV (user agents and names come from outside), one row
    /// at a time so the export still streams. JSON Lines is the exact, unaltered format.
    private static void Field(StringBuilder line, string? value, bool last = false)
    {
        Common.Csv.Cell(line, value);
        line.Append(last ? "\r\n" : ",");
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string text)
    {
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Append(ArrayBufferWriter<byte> buffer, StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
            buffer.Advance(Encoding.UTF8.GetBytes(chunk.Span, span));
        }
    }

    private sealed class StreamedFile(AuditExport export, AuditScope scope, AuditFilter filter, AuditExportFormat format, string name) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = format == AuditExportFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
            http.Response.Headers.CacheControl = "no-store";
            await export.WriteAsync(http.Response.Body, scope, filter, format, http.RequestAborted);
        }
    }
}
