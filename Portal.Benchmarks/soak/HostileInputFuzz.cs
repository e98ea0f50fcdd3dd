using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Portal.Benchmarks.Soak;

/// <summary>
/// Hostile-input fuzz pass (issue 10): random and mutated JSON bodies, headers and query strings against the token API,
/// the compat routes and some management routes of a running Portal. Started by soak/run-soak.sh, which provisions
/// the Portal and passes its ids and credentials. Checks every answer: no 5xx, no hang (per-request timeout), every
/// 4xx is application/problem+json with a string <c>code</c>; samples Portal's RSS from /proc. Deterministic: request i
/// is generated from Random(seed * 1_000_003 + i) alone, so <c>--replay i</c> re-sends exactly one failing request.
/// </summary>
public static class HostileInputFuzz
{
    sealed record Options(string Base, string Org, string Project, string OwnerToken, string[] Keys, int Pid,
        long Requests, int Concurrency, int Seed, double TimeoutSeconds, double MaxSeconds, string Report, long? Replay);

    sealed record Case(HttpMethod Method, string Path, string? Body, string? ContentType, List<(string, string)> Headers, string Kind);

    sealed record Failure(long Index, string Kind, string Method, string Path, int Status, string Problem);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Parse(args);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Concurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            // Send non-ASCII header values as UTF-8 bytes instead of refusing them on the client: hostile clients do.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(o.Base), Timeout = Timeout.InfiniteTimeSpan };
        // Requests with a mangled or missing key trip Portal's per-address block on invalid keys (by design), which
        // would then answer 429 to everything from that address before any body is read. They are sent from another
        // loopback address (127.0.0.2) so the body and query fuzzing from 127.0.0.1 reaches the validation code.
        using var hostileHandler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Concurrency,
            AllowAutoRedirect = false,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            ConnectCallback = async (context, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch { socket.Dispose(); throw; }
            },
        };
        using var hostile = new HttpClient(hostileHandler) { BaseAddress = new Uri(o.Base), Timeout = Timeout.InfiniteTimeSpan };
        var valid = o.Keys.SelectMany(k => new[] { k, "Bearer " + k }).Append("Bearer " + o.OwnerToken).ToHashSet(StringComparer.Ordinal);
        HttpClient For(Case c) => c.Path.Contains("key=", StringComparison.Ordinal)
            || !c.Headers.Any(h => h.Item1 is "Authorization" or "X-Api-Key")
            || c.Headers.Any(h => h.Item1 is "Authorization" or "X-Api-Key" && !valid.Contains(h.Item2)) ? hostile : http;

        if (o.Replay is { } one)
        {
            var c = Generate(o, one);
            var (status, problem) = await SendAsync(For(c), c, o.TimeoutSeconds);
            Console.WriteLine($"#{one} {c.Kind} content-type: {c.ContentType} {c.Method} {c.Path}\nbody: {c.Body}\nheaders: {string.Join("; ", c.Headers)}\n=> {status} {problem}");
            return problem.Length == 0 ? 0 : 1;
        }

        var statuses = new ConcurrentDictionary<int, long>();
        var kinds = new ConcurrentDictionary<string, long>();
        var failures = new ConcurrentQueue<Failure>();
        long next = -1, done = 0, fiveXx = 0, hangs = 0, nonProblem = 0, protocol = 0;
        long peakRssKb = 0, startRssKb = ReadRssKb(o.Pid);
        var rssSamples = new List<(double Seconds, long Kb)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.MaxSeconds));

        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Read(ref done) < o.Requests)
            {
                var kb = ReadRssKb(o.Pid);
                lock (rssSamples) rssSamples.Add((clock.Elapsed.TotalSeconds, kb));
                if (kb > Interlocked.Read(ref peakRssKb)) Interlocked.Exchange(ref peakRssKb, kb);
                try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var progress = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Read(ref done) < o.Requests)
            {
                try { await Task.Delay(10_000, stop.Token); } catch (OperationCanceledException) { break; }
                Console.Error.WriteLine($"fuzz: {Interlocked.Read(ref done)}/{o.Requests} requests, {Interlocked.Read(ref fiveXx)} 5xx, {Interlocked.Read(ref hangs)} hangs, {Interlocked.Read(ref nonProblem)} non-problem 4xx, RSS {ReadRssKb(o.Pid) / 1024} MB");
            }
        });

        var workers = Enumerable.Range(0, o.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= o.Requests) break;
                var c = Generate(o, i);
                var (status, problem) = await SendAsync(For(c), c, o.TimeoutSeconds);
                if (status < 0) { Interlocked.Increment(ref protocol); status = -status; }
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                kinds.AddOrUpdate(c.Kind, 1, (_, n) => n + 1);
                if (status == 0) Interlocked.Increment(ref hangs);
                else if (status >= 500) Interlocked.Increment(ref fiveXx);
                else if (problem.Length > 0) Interlocked.Increment(ref nonProblem);
                if (problem.Length > 0 && failures.Count < 200) failures.Enqueue(new Failure(i, c.Kind, c.Method.Method, Trim(c.Path, 120), status, problem));
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        stop.Cancel();
        await sampler; await progress;
        var endRssKb = ReadRssKb(o.Pid);
        var hwmKb = ReadStatusKb(o.Pid, "VmHWM:");
        var alive = endRssKb > 0;

        var report = Render(o, elapsed, Interlocked.Read(ref done), statuses, kinds, failures.ToArray(), fiveXx, hangs, nonProblem, protocol,
            startRssKb, Math.Max(peakRssKb, endRssKb), endRssKb, hwmKb, alive);
        await File.WriteAllTextAsync(o.Report, report);
        Console.WriteLine(report);
        var ok = fiveXx == 0 && hangs == 0 && nonProblem == 0 && alive && Interlocked.Read(ref done) >= o.Requests;
        return ok ? 0 : 1;
    }

    // Sends one case. Returns the status (0 = no answer within the timeout or connection failure) and a description of
    // what is wrong with the answer ("" when it is acceptable).
    static async Task<(int Status, string Problem)> SendAsync(HttpClient http, Case c, double timeoutSeconds)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        using var request = new HttpRequestMessage(c.Method, c.Path);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
            if (c.ContentType is not null && MediaTypeHeaderValue.TryParse(c.ContentType, out var ct)) request.Content.Headers.ContentType = ct;
            else if (c.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
        }
        // CR/LF cannot be sent inside a header by any HTTP/1.1 client library (it would start a new header); the rest is sent as is.
        foreach (var (name, value) in c.Headers) request.Headers.TryAddWithoutValidation(name, value.Replace('\r', ' ').Replace('\n', ' '));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cts.Token);
            if (status >= 500) return (status, "5xx: " + Trim(text, 200));
            if (status < 400) return (status, "");
            // Kestrel refuses malformed requests (NUL or non-ASCII bytes in a header, a NUL in the decoded path, a URI
            // or headers over its limits) before any app code runs: an empty 400/414/431 and the connection closed.
            // The app cannot shape those answers; they are counted apart as protocol-level refusals.
            if (text.Length == 0 && response.Content.Headers.ContentType is null && response.Headers.ConnectionClose == true && status is 400 or 414 or 431)
                return (-status, "");
            var media = response.Content.Headers.ContentType?.MediaType;
            if (media != "application/problem+json") return (status, $"4xx with content type '{media}': {Trim(text, 120)}");
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (!doc.RootElement.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String || code.GetString()!.Length == 0)
                    return (status, "problem without a code: " + Trim(text, 160));
            }
            catch (JsonException) { return (status, "problem body is not JSON: " + Trim(text, 120)); }
            return (status, "");
        }
        catch (OperationCanceledException) { return (0, $"no answer within {timeoutSeconds} s"); }
        catch (HttpRequestException e) { return (0, "connection failed: " + e.Message); }
    }

    // ---- generation ------------------------------------------------------------------------------------------

    static readonly string[] Weird =
    [
        "", " ", "null", "\u0000", "\uFFFF", "\uD800", "%00", "%ff%fe", "../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>",
        "{{7*7}}", "${jndi:ldap://x}", "𝕏🎉", "a\r\nX-Injected: 1", "-1", "0", "4294967295", "4294967296", "-9223372036854775808",
        "9223372036854775807", "99999999999999999999999999", "1e308", "-0", "NaN", "Infinity", "true", "[]", "{}", "0x10", "١٢٣",
        new string('a', 65), new string('x', 300), new string('z', 5000), "channel name", "ch\tan", "ÄÖÜ", "\"quoted\"", "\\",
    ];

    static readonly string[] Fields =
    [
        "channel", "uid", "userAccount", "account", "role", "expireSeconds", "expiresIn", "expiry", "privilegeExpireSeconds",
        "token", "userId", "name", "slug", "appId", "kind", "scopes", "rateLimitPerMinute", "email", "password", "activation",
        "tokenType", "expire", "privileges", "policy", "__proto__", "$type",
    ];

    static Case Generate(Options o, long index)
    {
        var rng = new Random(unchecked(o.Seed * 1_000_003 + (int)(index % int.MaxValue) + (int)(index / int.MaxValue) * 7919));
        var key = o.Keys[rng.Next(o.Keys.Length)];
        var headers = new List<(string, string)>();
        var p = o.Project;
        int pick = rng.Next(100);
        Case c;
        if (pick < 35)
        {
            var (path, valid) = Pick(rng, [
                ("/api/v1/tokens/rtc", """{"channel":"fuzz","uid":42,"role":"publisher","expireSeconds":3600}"""),
                ("/api/v1/tokens/rtm", """{"userId":"alice","expireSeconds":3600}"""),
                ("/api/v1/tokens/chat", """{"userId":"alice","expireSeconds":3600}"""),
                ("/api/v1/tokens/verify", """{"token":"007eJxTYBBdsOfN"}"""),
                ($"/compat/{p}/getToken", """{"tokenType":"rtc","channel":"demo","role":"publisher","uid":"42","expire":3600}"""),
            ]);
            headers.Add(AuthHeader(rng, key));
            c = new Case(HttpMethod.Post, path + MaybeQuery(rng), MutateJson(rng, valid), JsonContentType(rng), headers, "token-body");
        }
        else if (pick < 55)
        {
            var seg = () => Uri.EscapeDataString(W(rng));
            var path = rng.Next(6) switch
            {
                0 => $"/compat/{p}/access_token?channel={Q(rng, "demo")}&uid={Q(rng, "42")}&expiredTs={Q(rng, "3600")}" + (rng.Next(3) == 0 ? $"&key={Q(rng, key)}" : ""),
                1 => $"/compat/{p}/rtc/{seg()}/{Pick(rng, ["publisher", "subscriber", "audience", seg()])}/{Pick(rng, ["uid", "userAccount", seg()])}/{seg()}?expiry={Q(rng, "3600")}",
                2 => $"/compat/{p}/rtm/{seg()}?expiry={Q(rng, "3600")}",
                3 => $"/compat/{p}/rte/{seg()}/{Pick(rng, ["publisher", "audience", seg()])}/{Pick(rng, ["uid", "userAccount"])}/{seg()}",
                4 => $"/compat/{Pick(rng, [Guid.NewGuid().ToString(), "not-a-guid", seg(), p.ToUpperInvariant()])}/access_token?channel=demo&uid=1",
                _ => $"/compat/{p}/ping" + MaybeQuery(rng),
            };
            if (rng.Next(4) != 0) headers.Add(rng.Next(3) == 0 ? AuthHeader(rng, key) : ("X-Api-Key", MutateString(rng, key)));
            c = new Case(HttpMethod.Get, path, null, null, headers, "compat-query");
        }
        else if (pick < 75)
        {
            // Well-formed body, hostile headers: the header parsing paths (auth schemes, content types, lengths).
            headers.Add(rng.Next(3) switch
            {
                0 => ("Authorization", Pick(rng, ["Bearer", "Bearer ", "Basic " + key, "bearer " + key, "Bearer " + key + key, "Bearer " + W(rng), "Token " + key, "Bearer\t" + key])),
                1 => ("X-Api-Key", W(rng)),
                _ => ("Authorization", "Bearer " + MutateString(rng, key)),
            });
            for (var n = rng.Next(4); n > 0; n--)
                headers.Add((Pick(rng, ["Accept", "Accept-Language", "X-Forwarded-For", "Origin", "If-None-Match", "Accept-Encoding", "X-Request-Id", "Range"]), W(rng)));
            var body = rng.Next(4) == 0 ? MutateJson(rng, """{"channel":"fuzz","uid":1}""") : """{"channel":"fuzz","uid":1}""";
            c = new Case(HttpMethod.Post, Pick(rng, ["/api/v1/tokens/rtc", "/api/v1/tokens/rtm", "/api/v1/tokens/chat", "/api/v1/tokens/verify"]),
                body, Pick(rng, ["application/json", "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "multipart/form-data", "application/json; charset=bogus", "*/*", "application/xml"]),
                headers, "token-headers");
        }
        else
        {
            // Management API with the owner's token: mutated bodies, ids and query strings. Writes are restricted to
            // a throwaway project so the run does not delete the key it fuzzes with.
            headers.Add(rng.Next(8) == 0 ? ("Authorization", "Bearer " + MutateString(rng, o.OwnerToken)) : ("Authorization", "Bearer " + o.OwnerToken));
            var org = rng.Next(10) == 0 ? Pick(rng, [Guid.NewGuid().ToString(), "x", Uri.EscapeDataString(W(rng))]) : o.Org;
            var id = Pick(rng, [Guid.NewGuid().ToString(), "not-a-guid", Uri.EscapeDataString(W(rng)), "00000000-0000-0000-0000-000000000000"]);
            var (method, path, body) = rng.Next(9) switch
            {
                0 => (HttpMethod.Post, $"/api/v1/orgs/{org}/projects", MutateJson(rng, """{"name":"Fuzz","appId":"970CA35de60c44645bbae8a215061b33"}""")),
                1 => (HttpMethod.Patch, $"/api/v1/orgs/{org}/projects/{id}", MutateJson(rng, """{"name":"Renamed"}""")),
                2 => (HttpMethod.Put, $"/api/v1/orgs/{org}/projects/{p}/policy", MutateJson(rng, """{"maxExpireSeconds":"x","allowedRoles":[1,2]}""")),
                3 => (HttpMethod.Post, $"/api/v1/orgs/{org}/projects/{id}/api-keys", MutateJson(rng, """{"name":"k","kind":"secret","scopes":["rtc"],"rateLimitPerMinute":10}""")),
                4 => (HttpMethod.Get, $"/api/v1/orgs/{org}/projects" + MaybeQuery(rng, force: true), (string?)null),
                5 => (HttpMethod.Get, $"/api/v1/orgs/{org}/audit" + MaybeQuery(rng, force: true), null),
                6 => (HttpMethod.Get, $"/api/v1/orgs/{org}/usage" + MaybeQuery(rng, force: true), null),
                7 => (HttpMethod.Post, $"/api/v1/orgs/{org}/invitations", MutateJson(rng, """{"email":"a@b.test","role":"Viewer"}""")),
                _ => (HttpMethod.Delete, $"/api/v1/orgs/{org}/projects/{id}/api-keys/{Guid.NewGuid()}", null),
            };
            c = new Case(method, path, body, body is null ? null : JsonContentType(rng), headers, "management");
        }
        return c;
    }

    static (string, string) AuthHeader(Random rng, string key) => rng.Next(10) switch
    {
        0 => ("Authorization", "Bearer " + MutateString(rng, key)),
        1 => ("X-Api-Key", key),
        2 => ("Authorization", Pick(rng, ["", "Bearer", key, "Bearer " + W(rng)])),
        _ => ("Authorization", "Bearer " + key),
    };

    static string JsonContentType(Random rng) => rng.Next(10) switch
    {
        0 => Pick(rng, ["text/plain", "application/xml", "application/json; charset=latin1", "", "application/problem+json", "application/*"]),
        _ => "application/json",
    };

    static string MaybeQuery(Random rng, bool force = false)
    {
        if (!force && rng.Next(3) != 0) return "";
        var parts = new List<string>();
        for (var n = rng.Next(1, 5); n > 0; n--)
        {
            var name = Pick(rng, ["page", "pageSize", "from", "to", "q", "sort", "before", "after", "take", "skip", "cursor", "channel", "uid", "kind", "date", W(rng)]);
            parts.Add(Uri.EscapeDataString(name) + "=" + Q(rng, Pick(rng, ["1", "-1", "0", "2026-11-28", "abc"])));
        }
        if (rng.Next(10) == 0) parts.Add(Pick(rng, ["%", "%zz", "&&&", "=", "a=%E0%A4%A", "page=1&page=2"]));
        return "?" + string.Join("&", parts);
    }

    static string Q(Random rng, string valid) => rng.Next(3) == 0 ? Uri.EscapeDataString(W(rng)) : valid;

    static string W(Random rng) => Weird[rng.Next(Weird.Length)];

    static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    static string MutateString(Random rng, string s)
    {
        if (s.Length == 0) return W(rng);
        var chars = s.ToCharArray();
        return rng.Next(5) switch
        {
            0 => s[..rng.Next(s.Length)],
            1 => s + W(rng),
            2 => new string(chars.Select(ch => rng.Next(8) == 0 ? (char)rng.Next(32, 0x2FF) : ch).ToArray()),
            3 => s.ToUpperInvariant(),
            _ => s.Insert(rng.Next(s.Length), W(rng)),
        };
    }

    // Mutates a valid JSON body: structural byte mutations, type confusion on fields, unknown/duplicate fields, nesting.
    static string MutateJson(Random rng, string valid)
    {
        switch (rng.Next(12))
        {
            case 0: return valid; // a valid request now and then keeps the success path in the mix
            case 1: return valid[..rng.Next(valid.Length)]; // truncated
            case 2: return W(rng);
            case 3:
                {
                    var b = Encoding.UTF8.GetBytes(valid);
                    for (var n = rng.Next(1, 4); n > 0; n--) b[rng.Next(b.Length)] = (byte)rng.Next(256);
                    return Encoding.UTF8.GetString(b);
                }
            case 4: return new string('[', rng.Next(1, 3000)) + new string(']', rng.Next(0, 3000));
            case 5: return "{" + string.Concat(Enumerable.Repeat("\"a\":{", rng.Next(1, 200))) + "1" + new string('}', rng.Next(1, 201));
            case 6: return valid + valid;
            default:
                {
                    // Structured: replace some field values (or add fields) with values of the wrong type or extreme ones.
                    Dictionary<string, JsonElement>? obj;
                    try { obj = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(valid); } catch (JsonException) { return valid; }
                    var fields = obj!.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
                    for (var n = rng.Next(1, 4); n > 0; n--)
                    {
                        var name = rng.Next(3) == 0 ? Pick(rng, Fields) : fields.Count > 0 ? fields.Keys.ElementAt(rng.Next(fields.Count)) : "x";
                        fields[rng.Next(12) == 0 ? name.ToUpperInvariant() : name] = RandomValue(rng, 0);
                    }
                    if (rng.Next(6) == 0 && fields.Count > 0) fields.Remove(fields.Keys.ElementAt(rng.Next(fields.Count)));
                    var json = JsonSerializer.Serialize(fields);
                    return rng.Next(10) == 0 && fields.Count > 0 ? json.Insert(json.Length - 1, ",\"" + fields.Keys.First() + "\":" + JsonSerializer.Serialize(RandomValue(rng, 1))) : json;
                }
        }
    }

    static object? RandomValue(Random rng, int depth) => rng.Next(depth > 2 ? 9 : 11) switch
    {
        0 => null,
        1 => W(rng),
        2 => rng.Next(2) == 0,
        3 => rng.NextInt64(long.MinValue, long.MaxValue),
        4 => Pick(rng, [0L, -1L, 1L, uint.MaxValue, (long)uint.MaxValue + 1, int.MaxValue, int.MinValue]),
        5 => rng.NextDouble() * Math.Pow(10, rng.Next(-10, 300)),
        6 => 1.5,
        7 => new string((char)rng.Next(32, 127), rng.Next(0, 20000)),
        8 => Pick(rng, ["publisher", "subscriber", "audience", "admin", "rtc", "secret", "publishable", "now"]),
        9 => Enumerable.Range(0, rng.Next(0, 5)).Select(_ => RandomValue(rng, depth + 1)).ToArray(),
        _ => Enumerable.Range(0, rng.Next(0, 4)).ToDictionary(k => Pick(rng, Fields) + k, _ => RandomValue(rng, depth + 1)),
    };

    // ---- report ----------------------------------------------------------------------------------------------

    static string Render(Options o, TimeSpan elapsed, long done, IDictionary<int, long> statuses, IDictionary<string, long> kinds,
        Failure[] failures, long fiveXx, long hangs, long nonProblem, long protocol, long startKb, long peakKb, long endKb, long hwmKb, bool alive)
    {
        var s = new StringBuilder();
        var verdict = fiveXx == 0 && hangs == 0 && nonProblem == 0 && alive && done >= o.Requests ? "PASS" : "FAIL";
        s.AppendLine("# Hostile-input fuzz pass (issue 10)").AppendLine();
        s.AppendLine($"`Portal.Benchmarks/soak/run-soak.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: Portal in Release on SQLite in a temp directory, loopback only.");
        s.AppendLine($"Seed **{o.Seed}**, {o.Concurrency} concurrent requests (requests with a mangled or missing key from 127.0.0.2, the rest from 127.0.0.1), per-request timeout {o.TimeoutSeconds} s. Replay one request:");
        s.AppendLine($"`SOAK_SEED={o.Seed} SOAK_REPLAY=<index> Portal.Benchmarks/soak/run-soak.sh`.").AppendLine();
        s.AppendLine("| figure | value |").AppendLine("| --- | ---: |");
        s.AppendLine($"| verdict | **{verdict}** |");
        s.AppendLine($"| requests | {done:N0} of {o.Requests:N0} in {elapsed.TotalSeconds:F0} s ({done / Math.Max(1, elapsed.TotalSeconds):F0}/s) |");
        s.AppendLine($"| 5xx | {fiveXx} |");
        s.AppendLine($"| no answer within {o.TimeoutSeconds} s | {hangs} |");
        s.AppendLine($"| 4xx not problem+json with a `code` | {nonProblem} |");
        s.AppendLine($"| protocol-level refusals by Kestrel (empty 400/414/431, connection closed, before app code) | {protocol:N0} |");
        s.AppendLine($"| Portal RSS at start / peak sampled / end | {startKb / 1024} / {peakKb / 1024} / {endKb / 1024} MB |");
        s.AppendLine($"| Portal VmHWM (whole life, including provisioning) | {hwmKb / 1024} MB |");
        s.AppendLine($"| Portal alive at the end | {(alive ? "yes" : "**no**")} |").AppendLine();
        s.AppendLine("Status histogram (0 = no answer):").AppendLine();
        s.AppendLine("| status | requests |").AppendLine("| ---: | ---: |");
        foreach (var (status, n) in statuses.OrderBy(kv => kv.Key)) s.AppendLine($"| {status} | {n:N0} |");
        s.AppendLine().AppendLine("Requests by generator:").AppendLine();
        s.AppendLine("| generator | requests | what it sends |").AppendLine("| --- | ---: | --- |");
        var what = new Dictionary<string, string>
        {
            ["token-body"] = "POST /api/v1/tokens/rtc, rtm, chat, verify and /compat/{id}/getToken with truncated, byte-flipped, deeply nested, type-confused and oversized JSON; mutated keys",
            ["compat-query"] = "GET /compat/{id}/access_token, rtc, rtm, rte, ping with hostile path segments and query values; unknown and malformed project ids",
            ["token-headers"] = "valid-ish bodies with hostile Authorization / X-Api-Key values, content types and extra headers",
            ["management"] = "/api/v1/orgs/{org}/projects, policy, api-keys, audit, usage, invitations with mutated bodies, ids and query strings (owner token, sometimes mangled)",
        };
        foreach (var (kind, n) in kinds.OrderBy(kv => kv.Key)) s.AppendLine($"| {kind} | {n:N0} | {what.GetValueOrDefault(kind, "")} |");
        s.AppendLine();
        if (failures.Length == 0) s.AppendLine("No failing answer.");
        else
        {
            s.AppendLine($"First {failures.Length} failing answers (index replays with `SOAK_REPLAY`):").AppendLine();
            s.AppendLine("| index | generator | request | status | problem |").AppendLine("| ---: | --- | --- | ---: | --- |");
            foreach (var f in failures.OrderBy(f => f.Index).Take(40))
                s.AppendLine($"| {f.Index} | {f.Kind} | `{f.Method} {f.Path.Replace("|", "\\|").Replace("`", "'")}` | {f.Status} | {f.Problem.Replace("|", "\\|").Replace("\n", " ").Replace("`", "'")} |");
        }
        return s.ToString();
    }

    static string Trim(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    static long ReadRssKb(int pid) => ReadStatusKb(pid, "VmRSS:");

    static long ReadStatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        string Get(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"fuzz: --{name} is required");
        string Or(string name, string fallback) => map.GetValueOrDefault(name, fallback);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new Options(Get("base"), Get("org"), Get("project"), Get("owner"), Get("keys").Split(','), int.Parse(Get("pid"), inv),
            long.Parse(Or("requests", "100000"), inv), int.Parse(Or("concurrency", "32"), inv), int.Parse(Or("seed", "1"), inv),
            double.Parse(Or("timeout", "10"), inv), double.Parse(Or("max-seconds", "900"), inv), Get("report"),
            map.TryGetValue("replay", out var r) ? long.Parse(r, inv) : null);
    }
}
