using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Security.Outbound;

namespace Portal.Features.AgoraOps;

/// A Customer ID and its secret, decrypted only for the call that sends them.
public sealed record AgoraCredentials(string CustomerId, string CustomerSecret)
{
    /// Never the secret, so a logged record shows nothing.
    public override string ToString() => $"AgoraCredentials {{ CustomerId = {CustomerId} }}";
}

/// What Agora answered, in plain words. Transient: worth retrying later (5xx, 429, time-out, no connection);
/// RetryAfter is Agora's own hint on a 429.
public sealed record AgoraAnswer(bool Ok, int? Status, JsonElement Body, string? Error, bool Transient, TimeSpan? RetryAfter)
{
    public static AgoraAnswer Failed(string error, bool transient, int? status = null, TimeSpan? retryAfter = null) =>
        new(false, status, default, error, transient, retryAfter);
}

/// Calls Agora's RESTful API (Basic auth with the Customer ID and Secret) through the outbound HTTP rule.
/// Shapes: see docs/agora-rest.md. Errors never carry the credentials.
public sealed class AgoraRestClient(IHttpClientFactory http, IOptions<AgoraOptions> options, ILogger<AgoraRestClient> log)
{
    public const string HttpClientName = "agora-rest";

    public Task<AgoraAnswer> GetProjectsAsync(AgoraCredentials credentials, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, "/dev/v1/projects", credentials, null, ct);

    public Task<AgoraAnswer> CreateRuleAsync(AgoraCredentials credentials, object body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "/dev/v1/kicking-rule", credentials, body, ct);

    public Task<AgoraAnswer> ListRulesAsync(AgoraCredentials credentials, string appId, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"/dev/v1/kicking-rule?appid={Uri.EscapeDataString(appId)}", credentials, null, ct);

    public Task<AgoraAnswer> ChannelUsersAsync(AgoraCredentials credentials, string appId, string channel, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"/dev/v1/channel/user/{Uri.EscapeDataString(appId)}/{Uri.EscapeDataString(channel)}", credentials, null, ct);

    public Task<AgoraAnswer> DeleteRuleAsync(AgoraCredentials credentials, string appId, long ruleId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "/dev/v1/kicking-rule", credentials, new { appid = appId, id = ruleId }, ct);

    private async Task<AgoraAnswer> SendAsync(HttpMethod method, string path, AgoraCredentials credentials, object? body, CancellationToken ct)
    {
        var url = options.Value.RestBaseUrl.TrimEnd('/') + path;
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.CustomerId}:{credentials.CustomerSecret}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return Interpret(response, text);
        }
        catch (Exception ex) when (OutboundAddressRefusedException.IsIn(ex))
        {
            return AgoraAnswer.Failed("The Agora REST address (Portal:Agora:RestBaseUrl) resolves to a private or loopback address, which Portal does not call.", transient: false);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return AgoraAnswer.Failed($"Agora did not answer within {options.Value.TimeoutSeconds} s.", transient: true);
        }
        catch (HttpRequestException ex)
        {
            log.LogWarning("Agora REST {Method} {Path} could not connect: {Error}", method, path, ex.Message);
            return AgoraAnswer.Failed("Could not reach Agora's REST API: " + ex.Message, transient: true);
        }
    }

    private static AgoraAnswer Interpret(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        JsonElement json = default;
        try { if (text.Length > 0) json = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { /* an HTML error page from a proxy: the status speaks */ }
        if (response.IsSuccessStatusCode)
            return json.ValueKind == JsonValueKind.Object ? new AgoraAnswer(true, status, json, null, false, null)
                : AgoraAnswer.Failed($"Agora answered {status} with a body that is not JSON.", transient: true, status);
        var message = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? Truncate(m.GetString()!) : null;
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => AgoraAnswer.Failed(
                "Agora refused the Customer ID or Customer Secret (401): copy them again from Agora Console → RESTful API.", false, status),
            HttpStatusCode.Forbidden => AgoraAnswer.Failed(
                "Agora answered 403: this account may not do this (is the App ID in this Agora account, and the RESTful API enabled?)" + Said(message), false, status),
            HttpStatusCode.TooManyRequests => AgoraAnswer.Failed(
                "Agora is limiting this account's request rate (429); Portal tries again later.", true, status, RetryAfter(response)),
            _ when status >= 500 => AgoraAnswer.Failed($"Agora had a server error ({status}); Portal tries again later." + Said(message), true, status),
            _ => AgoraAnswer.Failed($"Agora refused the request ({status})" + (Said(message) is { Length: > 0 } said ? said : "."), false, status),
        };
    }

    private static string Said(string? message) => message is null ? "" : $": “{message}”";

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.RetryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
    }
}
