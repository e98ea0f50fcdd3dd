using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Portal.Api;

/// Reads a small JSON request body whole and deserializes it in one synchronous pass, with the API's own
/// serializer options (strict numbers, no repeated properties, case-insensitive names). Minimal APIs' built-in
/// binding streams the body through the serializer's resumable async reader, which costs more than the token it
/// guards on the hot path; the 64 KiB body limit makes reading it whole safe. Failures throw the same
/// <see cref="BadHttpRequestException"/>s as the built-in binding, so the problem answers do not change.
/// Used by request types through <c>BindAsync</c>.
public static class JsonBody
{
    public static async ValueTask<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
            throw new BadHttpRequestException("Expected a JSON request body (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        var reader = http.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(http.RequestAborted); // over the body limit this throws the server's 413
            if (read.IsCompleted || read.IsCanceled) break;
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        try
        {
            return Deserialize<T>(read.Buffer, http) ?? throw new BadHttpRequestException(
                "The request body is empty or `null`: send one JSON object.", StatusCodes.Status400BadRequest);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    private static T? Deserialize<T>(ReadOnlySequence<byte> body, HttpContext http) where T : class
    {
        // The span overload (unlike a reader over the sequence) also refuses anything after the JSON value.
        var info = TypeInfoOf<T>.Get(http);
        try
        {
            return body.IsSingleSegment ? JsonSerializer.Deserialize(body.FirstSpan, info) : JsonSerializer.Deserialize(body.ToArray(), info);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("Failed to read the request body as JSON.", StatusCodes.Status400BadRequest, ex);
        }
    }

    /// The serializer's metadata for T under the API's options, looked up once.
    private static class TypeInfoOf<T>
    {
        private static JsonTypeInfo<T>? s_info;

        public static JsonTypeInfo<T> Get(HttpContext http) => s_info ??= (JsonTypeInfo<T>)http.RequestServices
            .GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(T));
    }
}
