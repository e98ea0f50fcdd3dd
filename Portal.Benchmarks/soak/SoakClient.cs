using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Benchmarks.Soak;

/// The soak's HTTP side: the owner's management calls and the token calls, each answered as (status, JSON body),
/// with connection failures (Portal down) as status 0 instead of an exception.
public sealed class SoakClient(string baseUrl, string ownerToken, string org) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public string Org => org;

    public sealed record Answer(int Status, JsonNode? Body, string? ContentType, TimeSpan Took)
    {
        public bool Ok => Status is >= 200 and < 300;
        public string? Code => Body?["code"]?.GetValue<string>();
        public bool IsProblem => ContentType == "application/problem+json" && Code is not null;
    }

    public Task<Answer> ManageAsync(HttpMethod method, string path, object? body = null) =>
        SendAsync(method, $"/api/v1/orgs/{org}{path}", ownerToken, body);

    public Task<Answer> TokenAsync(string path, string key, object body) => SendAsync(HttpMethod.Post, path, key, body);

    public async Task<Answer> SendAsync(HttpMethod method, string path, string bearer, object? body)
    {
        var started = DateTime.UtcNow;
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        try
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? json = null;
            if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
                json = JsonNode.Parse(text);
            return new Answer((int)response.StatusCode, json, response.Content.Headers.ContentType?.MediaType, DateTime.UtcNow - started);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Answer(0, null, null, DateTime.UtcNow - started);
        }
    }

    /// The audit events since `from` as JSON Lines, streamed by the export endpoint.
    public async Task<List<JsonNode>> AuditSinceAsync(DateTime from)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/v1/orgs/{org}/audit/export?format=jsonl&from={from.AddSeconds(-2):yyyy-MM-ddTHH:mm:ssZ}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ownerToken);
        using var response = await _http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"audit export answered {(int)response.StatusCode}");
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Dispose() => _http.Dispose();
}
