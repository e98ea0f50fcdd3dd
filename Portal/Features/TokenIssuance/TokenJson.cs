using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portal.Features.TokenIssuance;

/// The token routes' 200 answers, written by hand: a Utf8JsonWriter fills a per-thread buffer and the answer goes
/// out in one write with a Content-Length. The serializer's generic path (reflection metadata, an async write and a
/// chunked body) cost as much as building the token. The shape is exactly what the serializer wrote for
/// <see cref="TokenResponse"/> (camelCase, nulls omitted, ISO 8601 times); tests compare the two.
public static class TokenJson
{
    /// The encoder of the API's serializer options (ASP.NET Core's default: only what JSON requires is escaped).
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Ok(TokenResponse response) => new Result(response, null, null, null, null);

    /// A drop-in route's answer: one or two string fields, e.g. `{"token": "..."}` or `{"rtcToken": "...", "rtmToken": "..."}`.
    public static IResult Fields(string name, string value, string? name2 = null, string? value2 = null) =>
        new Result(null, name, value, name2, value2);

    /// Writes a token response (the v1 shape) with the given writer; public for the shape test.
    public static void Write(Utf8JsonWriter json, TokenResponse r)
    {
        json.WriteStartObject();
        json.WriteString("token", r.Token);
        json.WriteString("format", r.Format);
        json.WriteString("appId", r.AppId);
        json.WriteString("issuedAt", r.IssuedAt);
        json.WriteString("expiresAt", r.ExpiresAt);
        json.WriteString("renewAfter", r.RenewAfter);
        json.WriteNumber("expireSeconds", r.ExpireSeconds);
        json.WriteBoolean("clamped", r.Clamped);
        if (r.Service is not null) json.WriteString("service", r.Service);
        if (r.Channel is not null) json.WriteString("channel", r.Channel);
        if (r.Uid is { } uid) json.WriteNumber("uid", uid);
        if (r.Account is not null) json.WriteString("account", r.Account);
        if (r.Role is not null) json.WriteString("role", r.Role);
        if (r.UserId is not null) json.WriteString("userId", r.UserId);
        if (r.RtmUserId is not null) json.WriteString("rtmUserId", r.RtmUserId);
        json.WriteEndObject();
    }

    private sealed class Result(TokenResponse? response, string? name, string? value, string? name2, string? value2)
        : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
        [ThreadStatic] private static Utf8JsonWriter? t_writer;

        public int? StatusCode => StatusCodes.Status200OK;
        public string ContentType => "application/json; charset=utf-8";

        public Task ExecuteAsync(HttpContext http)
        {
            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
            buffer.ResetWrittenCount();
            var json = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
            json.Reset(buffer);
            if (response is not null) Write(json, response);
            else
            {
                json.WriteStartObject();
                json.WriteString(name!, value);
                if (name2 is not null) json.WriteString(name2, value2);
                json.WriteEndObject();
            }
            json.Flush();

            var answer = http.Response;
            answer.StatusCode = StatusCodes.Status200OK;
            answer.ContentType = ContentType;
            answer.ContentLength = buffer.WrittenCount;
            // Copied into the response pipe before returning (the buffer is this thread's); the server sends it when
            // the request completes, headers and body together.
            answer.BodyWriter.Write(buffer.WrittenSpan);
            return Task.CompletedTask;
        }
    }
}
