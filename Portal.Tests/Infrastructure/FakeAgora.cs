using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Infrastructure;

/// How the fake answers the next request(s): a failure status (401, 429 with Retry-After, 500), or never (hang).
/// AfterApplying: the request takes effect first and only its answer fails (a POST whose answer was lost).
public sealed record FakeAgoraFailure(int Status, int? RetryAfterSeconds = null, bool Hang = false, bool AfterApplying = false);

/// A small Agora RESTful API on loopback with the shapes of Agora's public reference (docs/agora-rest.md):
/// `GET /dev/v1/projects`, `/dev/v1/kicking-rule` (POST create, GET list, PUT update, DELETE) and
/// `GET /dev/v1/channel/user/{appid}/{channel}`. It checks Basic auth and rejects bodies Agora would reject
/// (so Portal's requests are held to the reference), and answers queued failures first.
public sealed partial class FakeAgora : IAsyncDisposable
{
    public sealed record Rule(long Id, string AppId, string? Cname, long? Uid, string? Ip, int Time, string[] Privileges, DateTimeOffset CreatedAt);

    public sealed record Received(string Method, string Path, string Body, string? Authorization);

    private readonly WebApplication _app;
    private long _nextId = 1000;

    public string CustomerId { get; } = "c" + Guid.NewGuid().ToString("N")[..31];
    public string CustomerSecret { get; } = Guid.NewGuid().ToString("N");
    public string Url { get; private set; } = "";
    public ConcurrentDictionary<long, Rule> Rules { get; } = new();
    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentQueue<FakeAgoraFailure> Failures { get; } = new();

    /// Users in channels: (appid, channel) → (uid, role "broadcaster"/"audience").
    public ConcurrentDictionary<(string AppId, string Channel), ConcurrentDictionary<long, string>> Channels { get; } = new();

    /// App IDs the account holds (`GET /dev/v1/projects` lists them).
    public ConcurrentBag<string> AppIds { get; } = [];

    private FakeAgora(WebApplication app) => _app = app;

    public static async Task<FakeAgora> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAgora(app);
        app.Use(async (http, next) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
            fake.Requests.Enqueue(new Received(http.Request.Method, http.Request.Path + http.Request.QueryString, body, http.Request.Headers.Authorization));
            http.Items["body"] = body;
            if (!fake.Authorized(http.Request.Headers.Authorization))
            {
                await Answer(http, 401, new { message = "Invalid authentication credentials" });
                return;
            }
            FakeAgoraFailure? failure = fake.Failures.TryDequeue(out var f) ? f : null;
            if (failure is { AfterApplying: false })
            {
                await fake.FailAsync(http, failure);
                return;
            }
            if (failure is { AfterApplying: true })
            {
                // Apply for real, throw the answer away, then fail.
                var original = http.Response.Body;
                http.Response.Body = new MemoryStream();
                await next(http);
                http.Response.Body = original;
                http.Response.StatusCode = 200;
                http.Response.Headers.Clear();
                await fake.FailAsync(http, failure);
                return;
            }
            await next(http);
        });
        app.MapGet("/dev/v1/projects", (HttpContext http) => Results.Json(new
        {
            success = true,
            projects = fake.AppIds.Select((appId, i) => new { id = $"p{i}", name = $"project {i}", vendor_key = appId, sign_key = "", recording_server = (string?)null, status = 1, created = 1700000000 }),
        }));
        app.MapPost("/dev/v1/kicking-rule", (HttpContext http) => fake.Create(http));
        app.MapGet("/dev/v1/kicking-rule", (string? appid) => appid is null || !AppIdPattern().IsMatch(appid)
            ? Results.Json(new { message = "appid is required" }, statusCode: 400)
            : Results.Json(new
            {
                status = "success",
                rules = fake.Rules.Values.Where(r => r.AppId == appid).OrderBy(r => r.Id).Select(r => new
                {
                    id = r.Id,
                    appid = r.AppId,
                    uid = r.Uid ?? 0,
                    opid = 0,
                    cname = r.Cname ?? "",
                    ip = r.Ip ?? "",
                    ts = r.CreatedAt.AddMinutes(r.Time).ToString("o"),
                    privileges = r.Privileges,
                    createAt = r.CreatedAt.ToString("o"),
                    updateAt = r.CreatedAt.ToString("o"),
                }),
            }));
        app.MapPut("/dev/v1/kicking-rule", (HttpContext http) => fake.Update(http));
        app.MapDelete("/dev/v1/kicking-rule", (HttpContext http) => fake.Delete(http));
        app.MapGet("/dev/v1/channel/user/{appid}/{channel}", (string appid, string channel) =>
        {
            var users = fake.Channels.TryGetValue((appid, channel), out var u) ? u : new ConcurrentDictionary<long, string>();
            return Results.Json(new
            {
                success = true,
                data = new
                {
                    channel_exist = !users.IsEmpty,
                    mode = 2,
                    broadcasters = users.Where(x => x.Value == "broadcaster").Select(x => x.Key).Order(),
                    audience = users.Where(x => x.Value == "audience").Select(x => x.Key).Order(),
                    audience_total = users.Count(x => x.Value == "audience"),
                },
            });
        });
        await app.StartAsync(ct);
        fake.Url = app.Urls.First();
        return fake;
    }

    /// Requests to the kicking-rule endpoint with the given method.
    public IReadOnlyList<Received> RuleRequests(string method) =>
        Requests.Where(r => r.Method == method && r.Path.StartsWith("/dev/v1/kicking-rule", StringComparison.Ordinal)).ToList();

    private bool Authorized(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])) == $"{CustomerId}:{CustomerSecret}"; }
        catch (FormatException) { return false; }
    }

    private async Task FailAsync(HttpContext http, FakeAgoraFailure failure)
    {
        if (failure.Hang)
        {
            try { await Task.Delay(Timeout.Infinite, http.RequestAborted); } catch (OperationCanceledException) { }
            return;
        }
        if (failure.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Answer(http, failure.Status, new { message = failure.Status == 429 ? "Too Many Requests" : "Internal Server Error" });
    }

    private static Task Answer(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(body);
    }

    private static readonly string[] AllowedPrivileges = ["join_channel", "publish_audio", "publish_video"];
    private static readonly HashSet<string> CreateFields = ["appid", "cname", "uid", "ip", "time", "time_in_seconds", "privileges"];

    private IResult Create(HttpContext http)
    {
        if (Json(http, out var body) is { } bad) return bad;
        if (body.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !CreateFields.Contains(name)) is { } unknown)
            return Refuse($"unknown field {unknown}");
        if (AppId(body) is not { } appId) return Refuse("appid is required (32 hex characters)");
        string? cname = null, ip = null;
        long? uid = null;
        if (body.TryGetProperty("cname", out var c)) { if (c.ValueKind != JsonValueKind.String) return Refuse("cname must be a string"); cname = c.GetString(); }
        if (body.TryGetProperty("uid", out var u)) { if (u.ValueKind != JsonValueKind.Number || !u.TryGetInt64(out var n) || n <= 0) return Refuse("uid must be a positive number"); uid = n; }
        if (body.TryGetProperty("ip", out var i)) { if (i.ValueKind != JsonValueKind.String || !System.Net.IPAddress.TryParse(i.GetString(), out _)) return Refuse("ip must be an IP address"); ip = i.GetString(); }
        if (cname is null && uid is null && ip is null) return Refuse("one of cname, uid, ip is required");
        var hasTime = body.TryGetProperty("time", out var t);
        var hasSeconds = body.TryGetProperty("time_in_seconds", out var ts);
        if (hasTime && hasSeconds) return Refuse("use either time or time_in_seconds");
        if (hasTime && (t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out _))) return Refuse("time must be a number of minutes");
        var minutes = hasTime ? Math.Clamp(t.GetInt32(), 0, 1440) : hasSeconds ? ts.GetInt32() / 60 : 60;
        if (!body.TryGetProperty("privileges", out var p) || p.ValueKind != JsonValueKind.Array || p.GetArrayLength() == 0
            || p.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || !AllowedPrivileges.Contains(x.GetString())))
            return Refuse("privileges must list join_channel, publish_audio or publish_video");
        var id = Interlocked.Increment(ref _nextId);
        Rules[id] = new Rule(id, appId, cname, uid, ip, minutes, p.EnumerateArray().Select(x => x.GetString()!).ToArray(), DateTimeOffset.UtcNow);
        return Results.Json(new { status = "success", id });
    }

    private IResult Update(HttpContext http)
    {
        if (Json(http, out var body) is { } bad) return bad;
        if (AppId(body) is not { } appId) return Refuse("appid is required (32 hex characters)");
        if (!body.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var id)) return Refuse("id is required");
        if (!body.TryGetProperty("time", out var t) || !t.TryGetInt32(out var minutes)) return Refuse("time is required");
        if (!Rules.TryGetValue(id, out var rule) || rule.AppId != appId) return Results.Json(new { message = "rule not found" }, statusCode: 404);
        Rules[id] = rule with { Time = Math.Clamp(minutes, 0, 1440) };
        return Results.Json(new { status = "success", result = new { id, ts = DateTimeOffset.UtcNow.AddMinutes(minutes).ToString("o") } });
    }

    private IResult Delete(HttpContext http)
    {
        if (Json(http, out var body) is { } bad) return bad;
        if (AppId(body) is not { } appId) return Refuse("appid is required (32 hex characters)");
        if (!body.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var id)) return Refuse("id is required");
        if (!Rules.TryGetValue(id, out var rule) || rule.AppId != appId) return Results.Json(new { message = "rule not found" }, statusCode: 404);
        Rules.TryRemove(id, out _);
        return Results.Json(new { status = "success", id });
    }

    private static IResult? Json(HttpContext http, out JsonElement body)
    {
        body = default;
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Refuse("Content-Type must be application/json");
        try { body = JsonDocument.Parse((string)http.Items["body"]!).RootElement.Clone(); }
        catch (JsonException) { return Refuse("body is not JSON"); }
        return body.ValueKind == JsonValueKind.Object ? null : Refuse("body must be a JSON object");
    }

    private static string? AppId(JsonElement body) =>
        body.TryGetProperty("appid", out var a) && a.ValueKind == JsonValueKind.String && AppIdPattern().IsMatch(a.GetString()!) ? a.GetString() : null;

    private static IResult Refuse(string message) => Results.Json(new { message }, statusCode: 400);

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex AppIdPattern();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
