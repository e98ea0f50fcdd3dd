using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Portal.Benchmarks.Soak;

/// <summary>
/// The soak and fault phases of issue 10 against a running Portal (started by soak/run-soak.sh, which passes its
/// address, an owner token, its PID, its data directory and a command that restarts it):
/// <list type="bullet">
/// <item>soak: token load at a steady rate from several keys and projects while admin writes run and the jobs run
/// on a one-minute schedule; checks 5xx, audit events per write, usage, revoked keys, rotated certificates, memory trend;</item>
/// <item>crash: kill -9 during load and writes, restart; committed writes survive, jobs resume, usage loss ≤ 5 s;</item>
/// <item>lock: another connection holds SQLite's write lock for 10 s; tokens keep coming, nothing answers 500;</item>
/// <item>disk: the data directory's file system is filled for 10 s (when it is a small one); the same.</item>
/// </list>
/// Writes a markdown report; exit code 1 when any check fails.
/// </summary>
public static class SoakRun
{
    sealed record Options(string Base, string Org, string Owner, int Pid, string Data, string Restart, int Seconds, double Rate,
        int Concurrency, string Report, string[] Phases);

    sealed record Check(string Phase, string What, bool Pass, string Figure);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Parse(args);
        var pid = o.Pid;
        using var client = new SoakClient(o.Base, o.Owner, o.Org);
        var verifyKeys = new Dictionary<string, string>();
        var load = new SoakLoad(client, verifyKeys);
        var projects = new List<string>();
        var admin = new SoakAdmin(client, load, projects);
        var checks = new List<Check>();
        var figures = new List<(string Phase, string Name, string Value)>();
        var runStarted = DateTime.UtcNow;
        (long Issued, long Counted) usageBase = (0, 0);

        for (var p = 1; p <= 3; p++)
        {
            var (project, verify) = await admin.ProvisionProjectAsync($"Soak {p}", loadKeys: 2);
            projects.Add(project);
            verifyKeys[project] = verify;
        }
        Console.Error.WriteLine($"soak: provisioned {projects.Count} projects, {load.Keys.Count} load keys");

        var rss = new List<(DateTime At, double Mb)>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (ReadRssMb(Volatile.Read(ref pid)) is { } mb) lock (rss) rss.Add((DateTime.UtcNow, mb));
                try { await Task.Delay(1000, sampling.Token); } catch (OperationCanceledException) { }
            }
        });

        foreach (var phase in o.Phases)
        {
            Console.Error.WriteLine($"soak: phase {phase}");
            var before = load.Statuses.ToDictionary(kv => kv.Key, kv => kv.Value);
            var writesBefore = admin.Writes.Count;
            var started = DateTime.UtcNow;
            using var stopAdmin = new CancellationTokenSource();
            var duration = phase == "soak" ? TimeSpan.FromSeconds(o.Seconds) : TimeSpan.FromSeconds(40);
            var loadTask = load.RunAsync(o.Rate, o.Concurrency, duration, CancellationToken.None);
            var adminTask = admin.RunAsync(TimeSpan.FromSeconds(phase == "soak" ? 3 : 2), stopAdmin.Token);
            (DateTime From, DateTime To)? window = null;
            string? stagedCertificate = null;

            switch (phase)
            {
                case "crash":
                    await Task.Delay(TimeSpan.FromSeconds(12));
                    stagedCertificate = (await client.ManageAsync(HttpMethod.Post, $"/projects/{projects[0]}/certificates",
                        new { activation = "staged", effectiveAt = DateTime.UtcNow.AddSeconds(15) })).Body?["id"]?.GetValue<string>();
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    var killedAt = DateTime.UtcNow;
                    var rateBefore = OkPerSecond(load, killedAt.AddSeconds(-6), killedAt.AddSeconds(-1));
                    Process.GetProcessById(pid).Kill();
                    Console.Error.WriteLine($"soak: killed Portal (pid {pid}) with SIGKILL");
                    var newPid = await RestartAsync(o.Restart);
                    Volatile.Write(ref pid, newPid);
                    window = (killedAt, DateTime.UtcNow);
                    figures.Add((phase, "down (kill -9 to ready again)", $"{(window.Value.To - window.Value.From).TotalSeconds:0.0} s"));
                    figures.Add((phase, "tokens per second before the kill", $"{rateBefore:0}"));
                    break;
                case "lock":
                    await Task.Delay(TimeSpan.FromSeconds(10));
                    window = await HoldWriteLockAsync(Path.Combine(o.Data, "portal.db"), TimeSpan.FromSeconds(10));
                    break;
                case "disk":
                    await Task.Delay(TimeSpan.FromSeconds(10));
                    var (from, to, filled) = await FillDiskAsync(o.Data, TimeSpan.FromSeconds(10));
                    window = (from, to);
                    figures.Add((phase, "filler written until the disk was full", $"{filled / 1024 / 1024} MiB"));
                    break;
            }

            await loadTask;
            stopAdmin.Cancel();
            await adminTask;
            var ended = DateTime.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(5)); // two usage flush intervals

            var statuses = load.Statuses.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
            var writes = admin.Writes.Skip(writesBefore).ToList();
            var tokenOk = statuses.GetValueOrDefault(200);
            var serverErrors = statuses.Where(kv => kv.Key >= 500 && kv.Key != 503).Sum(kv => kv.Value)
                + writes.Count(w => w.Status >= 500 && w.Status != 503);
            var unavailable = statuses.GetValueOrDefault(503) + writes.Count(w => w.Status == 503);
            figures.Add((phase, "token requests answered 200", $"{tokenOk:N0} ({tokenOk / (ended - started).TotalSeconds:N0}/s)"));
            figures.Add((phase, "admin writes (2xx / other)", $"{writes.Count(w => w.Status is >= 200 and < 300)} / {writes.Count(w => w.Status is < 200 or >= 300)}"));
            figures.Add((phase, "admin write latency p50 / max", $"{Percentile(writes, 0.5)} / {Percentile(writes, 1)} ms"));
            figures.Add((phase, "statuses", string.Join(", ", statuses.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value:N0}"))));
            checks.Add(new(phase, "no 5xx other than 503 problem+json", serverErrors == 0, $"{serverErrors} 5xx, {unavailable} 503"));
            checks.Add(new(phase, "every refusal is problem+json with a code", load.NonProblemRefusals == 0, $"{load.NonProblemRefusals} without"));
            var unexpected = writes.Where(w => w.Status is not (>= 200 and < 300) and not 503 and not 0).ToList();
            checks.Add(new(phase, "every admin write succeeds (or 503 during a fault)", unexpected.Count == 0,
                unexpected.Count == 0 ? "all" : string.Join("; ", unexpected.Take(3).Select(w => $"{w.Kind} {w.Status} {w.Code}"))));

            if (window is { } w0)
            {
                var lockSeconds = Enumerable.Range(0, (int)Math.Floor((w0.To - w0.From).TotalSeconds))
                    .Select(i => new DateTimeOffset(w0.From.AddSeconds(i + 0.5)).ToUnixTimeSeconds()).ToList();
                var during = lockSeconds.Select(s => load.OkPerSecond.GetValueOrDefault(s)).ToList();
                if (phase is "lock" or "disk")
                    checks.Add(new(phase, "tokens keep being issued from the cache during the fault", during.All(n => n > 0),
                        $"{during.Sum():N0} tokens in {during.Count} s, fewest in one second: {(during.Count == 0 ? 0 : during.Min())}"));
                var recovered = writes.Where(w => w.AnsweredAt > w0.To && w.Status is >= 200 and < 300).ToList();
                checks.Add(new(phase, "admin writes succeed again after the fault", recovered.Count > 0, $"{recovered.Count} after"));
            }
            if (phase == "crash" && stagedCertificate is not null)
            {
                var promoted = await WaitForActiveAsync(client, projects[0], stagedCertificate, TimeSpan.FromSeconds(150));
                checks.Add(new(phase, "jobs resume after the restart (staged certificate promoted by the rotation job)", promoted is not null,
                    promoted is { } s ? $"Active {s.TotalSeconds:0} s after its effective time" : "not promoted within 150 s"));
                var lost = 0;
                foreach (var project in admin.CreatedProjects.ToList())
                    if ((await client.ManageAsync(HttpMethod.Get, $"/projects/{project}")).Status != 200) lost++;
                checks.Add(new(phase, "every project whose creation was answered 201 exists after the restart", lost == 0,
                    $"{admin.CreatedProjects.Count} checked, {lost} missing"));
            }

            // Each phase is judged on its own tokens: the counts a kill -9 lost stay lost, and the next phase starts from there.
            var (issuedNow, countedNow, usageError) = await CheckUsageAsync(client, load, projects, runStarted, usageBase);
            var phaseIssued = issuedNow - usageBase.Issued;
            var missing = phaseIssued - (countedNow - usageBase.Counted);
            var allowed = phase == "crash" ? OkPerSecond(load, window!.Value.From.AddSeconds(-6), window.Value.From.AddSeconds(-1)) * 5 : 0;
            usageBase = (issuedNow, countedNow);
            checks.Add(new(phase, phase == "crash" ? "usage counters = tokens issued, minus at most 5 s of counts" : "usage counters = tokens issued",
                usageError is null && missing >= 0 && missing <= allowed,
                usageError ?? $"{phaseIssued:N0} tokens issued (rtc + valid verify); " + PhaseUsage(missing, allowed)));

            if (phase == "soak")
            {
                var keys = load.Snapshot().Where(k => k.RevokedAt is not null).ToList();
                var latest = keys.Count == 0 ? 0 : keys.Max(k => double.IsNegativeInfinity(k.LastIssuedAfterRevokeSeconds) ? 0 : k.LastIssuedAfterRevokeSeconds);
                checks.Add(new(phase, "no token for a revoked key more than 5 s after the revocation", load.RevokedKeyViolations == 0,
                    $"{keys.Count} keys revoked; latest token after a revocation: {Math.Max(0, latest):0.0} s; {load.RevokedKeyViolations} later than 5 s"));
                checks.Add(new(phase, "no token signed by a rotated-out certificate more than 5 s after the rotation",
                    load.RotationViolations == 0 && load.SampledNotValid == 0,
                    $"{load.Rotations.Count} rotations, {load.Sampled:N0} tokens checked through /verify, {load.RotationViolations} wrong signer, {load.SampledNotValid} not valid"));
                List<(DateTime At, double Mb)> samples;
                lock (rss) samples = rss.Where(s => s.At >= ended.AddMinutes(-3) && s.At <= ended).ToList();
                var (slope, mean) = Trend(samples);
                // A leak raises the floor the process returns to after each collection; the GC's sawtooth above it
                // (it collects when its budget is spent, not on a schedule) is not a trend. So the check compares the
                // lowest RSS of the window's first and last minute; the fitted slope is reported alongside.
                var firstFloor = samples.Where(s => s.At < samples[0].At.AddMinutes(1)).Select(s => s.Mb).DefaultIfEmpty(0).Min();
                var lastFloor = samples.Where(s => s.At > ended.AddMinutes(-1)).Select(s => s.Mb).DefaultIfEmpty(0).Min();
                checks.Add(new(phase, "memory stable over the last 3 minutes (RSS floor of the last minute within 5% of the first)",
                    samples.Count >= 120 && lastFloor - firstFloor < mean * 0.05,
                    $"floor {firstFloor:0} MB then {lastFloor:0} MB; RSS mean {mean:0} MB, max {(samples.Count == 0 ? 0 : samples.Max(s => s.Mb)):0}; " +
                    $"fitted slope {slope:+0.0;-0.0} MB/min over {samples.Count} samples"));
                List<(DateTime At, double Mb)> all;
                lock (rss) all = [.. rss];
                figures.Add((phase, "Portal RSS per minute of the soak (min-max MB)", string.Join(", ", all.Where(x => x.At >= started && x.At <= ended)
                    .GroupBy(x => (int)((x.At - started).TotalMinutes)).Select(g => $"{g.Min(x => x.Mb):0}-{g.Max(x => x.Mb):0}"))));
            }
        }

        var (auditOk, auditFigure) = await CheckAuditAsync(client, admin, runStarted);
        checks.Add(new("all", "every successful admin write has exactly its audit events, once", auditOk, auditFigure));
        sampling.Cancel();
        await sampler;
        double peak;
        lock (rss) peak = rss.Count == 0 ? 0 : rss.Max(s => s.Mb);
        figures.Add(("all", "Portal peak RSS sampled", $"{peak:0} MB"));

        await File.WriteAllTextAsync(o.Report, Report(o, checks, figures, runStarted));
        Console.WriteLine(pid); // the harness stops the Portal that is running now
        return checks.All(c => c.Pass) ? 0 : 1;
    }

    /// Tokens issued (rtc, plus verify calls that found the token valid) as the load counted them, and as Portal's
    /// usage counters have them, over the load projects since the run started; a figure when usage cannot be read.
    static async Task<(long Issued, long Counted, string? Error)> CheckUsageAsync(SoakClient client, SoakLoad load, List<string> projects,
        DateTime runStarted, (long Issued, long Counted) before)
    {
        long counted = 0, issued = 0;
        foreach (var project in projects)
        {
            var answer = await client.ManageAsync(HttpMethod.Get, $"/projects/{project}/usage?from={runStarted:yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}");
            if (answer.Status != 200) return (before.Issued, before.Counted, $"usage answered {answer.Status}");
            counted += answer.Body!["days"]!.AsArray().Where(d => d!["service"]!.GetValue<string>() is "rtc" or "verify").Sum(d => d!["issued"]!.GetValue<long>());
            issued += load.IssuedByProject.GetValueOrDefault(project) + load.VerifiedByProject.GetValueOrDefault(project);
        }
        return (issued, counted, null);
    }

    static string PhaseUsage(long missing, double allowed) =>
        allowed > 0 ? $"{missing:N0} tokens of this phase not counted (allowed: 5 s of tokens = {allowed:N0})"
        : missing == 0 ? "every token of this phase counted, none twice" : $"counts differ from tokens issued by {missing:N0}";

    static async Task<(bool, string)> CheckAuditAsync(SoakClient client, SoakAdmin admin, DateTime from)
    {
        var events = await client.AuditSinceAsync(from);
        var seen = events.GroupBy(e => (e["type"]!.GetValue<string>(), e["target"]?["id"]?.GetValue<string>() ?? ""))
            .ToDictionary(g => g.Key, g => g.Count());
        var expected = admin.Writes.Where(w => w.Status is >= 200 and < 300).SelectMany(w => w.Events)
            .GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        var wrong = expected.Where(kv => seen.GetValueOrDefault(kv.Key) != kv.Value).ToList();
        var inFlight = admin.Writes.Count(w => w.Status == 0);
        return (wrong.Count == 0, $"{expected.Values.Sum():N0} events expected from {admin.Writes.Count(w => w.Status is >= 200 and < 300):N0} writes, " +
            $"{wrong.Count} (type, target) pairs off{(wrong.Count > 0 ? ": " + string.Join(", ", wrong.Take(3).Select(w => $"{w.Key.Type} {w.Key.Target} x{seen.GetValueOrDefault(w.Key)}")) : "")}; " +
            $"{events.Count:N0} events in the log since the start; {inFlight} writes cut off by the kill (outcome unknown to the client, not counted)");
    }

    static async Task<TimeSpan?> WaitForActiveAsync(SoakClient client, string project, string certificate, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            var list = (await client.ManageAsync(HttpMethod.Get, $"/projects/{project}/certificates")).Body?.AsArray();
            var c = list?.FirstOrDefault(x => x!["id"]!.GetValue<string>() == certificate);
            if (c?["state"]?.GetValue<string>() is "Active" or "Previous" or "Retired")
                return c["activatedAt"]!.GetValue<DateTimeOffset>() - c["effectiveAt"]!.GetValue<DateTimeOffset>();
            await Task.Delay(2000);
        }
        return null;
    }

    /// Another connection takes SQLite's write lock (BEGIN EXCLUSIVE) and keeps it, as a backup or a stuck tool would.
    static async Task<(DateTime, DateTime)> HoldWriteLockAsync(string database, TimeSpan hold)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        await using (var begin = connection.CreateCommand()) { begin.CommandText = "BEGIN EXCLUSIVE;"; await begin.ExecuteNonQueryAsync(); }
        var from = DateTime.UtcNow;
        Console.Error.WriteLine("soak: holding the SQLite write lock");
        await Task.Delay(hold);
        await using (var end = connection.CreateCommand()) { end.CommandText = "ROLLBACK;"; await end.ExecuteNonQueryAsync(); }
        return (from, DateTime.UtcNow);
    }

    /// Writes a filler file into the data directory until the file system refuses (ENOSPC), holds, then deletes it.
    static async Task<(DateTime, DateTime, long)> FillDiskAsync(string directory, TimeSpan hold)
    {
        var filler = Path.Combine(directory, "soak-filler.bin");
        long written = 0;
        var chunk = new byte[1 << 20];
        Random.Shared.NextBytes(chunk);
        try
        {
            await using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            while (true) { await stream.WriteAsync(chunk); written += chunk.Length; await stream.FlushAsync(); }
        }
        catch (IOException) { } // full
        // The last partial chunk may fit: take the rest of the space byte-page by byte-page.
        try
        {
            await using var tail = new FileStream(filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
            var page = new byte[4096];
            while (true) { await tail.WriteAsync(page); await tail.FlushAsync(); written += page.Length; }
        }
        catch (IOException) { }
        var from = DateTime.UtcNow;
        Console.Error.WriteLine($"soak: data directory full ({written / 1024 / 1024} MiB of filler)");
        await Task.Delay(hold);
        File.Delete(filler);
        return (from, DateTime.UtcNow, written);
    }

    static async Task<int> RestartAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"restart command failed ({process.ExitCode})");
        return int.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    static double OkPerSecond(SoakLoad load, DateTime from, DateTime to)
    {
        var seconds = Enumerable.Range(0, (int)(to - from).TotalSeconds).Select(i => new DateTimeOffset(from.AddSeconds(i)).ToUnixTimeSeconds()).ToList();
        return seconds.Count == 0 ? 0 : seconds.Average(s => load.OkPerSecond.GetValueOrDefault(s));
    }

    static double? ReadRssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { return null; }
    }

    /// Least-squares slope in MB per minute, and the mean.
    static (double Slope, double Mean) Trend(List<(DateTime At, double Mb)> samples)
    {
        if (samples.Count < 2) return (0, samples.Count == 0 ? 0 : samples[0].Mb);
        var t0 = samples[0].At;
        var xs = samples.Select(s => (s.At - t0).TotalMinutes).ToList();
        var (mx, my) = (xs.Average(), samples.Average(s => s.Mb));
        var slope = xs.Zip(samples).Sum(p => (p.First - mx) * (p.Second.Mb - my)) / xs.Sum(x => (x - mx) * (x - mx));
        return (slope, my);
    }

    static string Percentile(List<AdminWrite> writes, double q)
    {
        var ms = writes.Where(w => w.Status != 0).Select(w => w.Took.TotalMilliseconds).Order().ToList();
        return ms.Count == 0 ? "-" : ms[Math.Min(ms.Count - 1, (int)(q * (ms.Count - 1)))].ToString("0", CultureInfo.InvariantCulture);
    }

    static string Report(Options o, List<Check> checks, List<(string Phase, string Name, string Value)> figures, DateTime started)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"## Soak and faults — {(checks.All(c => c.Pass) ? "PASS" : "FAIL")}");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Run started {started:yyyy-MM-dd HH:mm} UTC. Soak {o.Seconds} s at a target of {o.Rate:N0} token requests/s " +
            $"({o.Concurrency} concurrent) over 3 projects with 2 keys each, an admin write every 3 s; fault phases 40 s each; phases: {string.Join(", ", o.Phases)}.");
        s.AppendLine();
        s.AppendLine("| phase | check | result | figures |");
        s.AppendLine("| --- | --- | --- | --- |");
        foreach (var c in checks) s.AppendLine(CultureInfo.InvariantCulture, $"| {c.Phase} | {c.What} | {(c.Pass ? "pass" : "**FAIL**")} | {c.Figure} |");
        s.AppendLine();
        s.AppendLine("How to read it: the 401s are the revoked keys' requests (the load keeps trying a revoked key for 10 s after each " +
            "revocation); status 0 is a request that found Portal down during the kill -9. Rotations are judged by asking /verify " +
            "which certificate signed every 200th token. In the crash phase a write in flight at the kill has an outcome the client " +
            "cannot know, so it is left out of the audit check. On a full disk SQLite keeps committing into the space its WAL " +
            "file already holds, so writes may well succeed; what must hold is no 500, tokens from the cache and a clean recovery.");
        s.AppendLine();
        s.AppendLine("| phase | figure | value |");
        s.AppendLine("| --- | --- | ---: |");
        foreach (var f in figures) s.AppendLine(CultureInfo.InvariantCulture, $"| {f.Phase} | {f.Name} | {f.Value} |");
        return s.ToString();
    }

    static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        string Get(string k, string? d = null) => map.TryGetValue(k, out var v) ? v : d ?? throw new ArgumentException($"--{k} is required");
        return new Options(Get("base"), Get("org"), Get("owner"), int.Parse(Get("pid"), CultureInfo.InvariantCulture), Get("data"), Get("restart"),
            int.Parse(Get("seconds", "300"), CultureInfo.InvariantCulture), double.Parse(Get("rate", "1500"), CultureInfo.InvariantCulture),
            int.Parse(Get("concurrency", "32"), CultureInfo.InvariantCulture), Get("report"),
            Get("phases", "soak,crash,lock,disk").Split(',', StringSplitOptions.RemoveEmptyEntries));
    }
}
