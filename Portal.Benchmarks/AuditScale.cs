using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.Audit;

namespace Portal.Benchmarks;

/// `audit-scale generate|measure`: fills a Portal SQLite database with a valid audit chain of N events, then times the
/// audit page's queries and streams an export, from a separate process so the memory figures start clean.
/// Not a BenchmarkDotNet benchmark: a 1,000,000-row setup per iteration would take hours; each query runs 7 times.
public static class AuditScale
{
    private const int Orgs = 8, ProjectsPerOrg = 20, UsersPerOrg = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        var dir = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "portal-audit-scale");
        var events = int.Parse(Option(args, "--events") ?? "1000000", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(dir);
        await using var app = PortalApp.Build([], b =>
        {
            b.Configuration["Portal:DataDirectory"] = dir;
            b.Configuration["Portal:Jobs:Storage"] = "InMemory";
            b.Configuration["Portal:Jobs:RunServer"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
        }, serve: false);
        await PortalApp.InitializeAsync(app, CancellationToken.None);
        switch (command)
        {
            case "generate": await GenerateAsync(app, events); return 0;
            case "measure": await MeasureAsync(app); return 0;
            default:
                Console.Error.WriteLine("usage: Portal.Benchmarks audit-scale generate [--events 1000000] [--dir DIR] | measure [--dir DIR]");
                return 2;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static async Task GenerateAsync(WebApplication app, int count)
    {
        var tenants = app.Services.GetRequiredService<TenantDb>();
        var orgs = new List<(Guid Id, Guid[] Projects)>();
        await using (var db = await tenants.UnfilteredAsync("audit scale seed", CancellationToken.None))
        {
            for (var o = 0; o < Orgs; o++)
            {
                var org = new Organization { Id = Guid.NewGuid(), Name = $"Scale {o}", Slug = $"scale-{o}-{Guid.NewGuid():N}"[..20] };
                db.Organizations.Add(org);
                var projects = Enumerable.Range(0, ProjectsPerOrg).Select(p => new Project
                {
                    Id = Guid.NewGuid(),
                    OrganizationId = org.Id,
                    Name = $"project {p}",
                    AppId = Guid.NewGuid().ToString("N"),
                    CreatedAt = DateTimeOffset.UtcNow,
                    UpdatedAt = DateTimeOffset.UtcNow,
                }).ToArray();
                db.Projects.AddRange(projects);
                orgs.Add((org.Id, projects.Select(p => p.Id).ToArray()));
            }
            await db.SaveChangesAsync();
        }

        await using var context = await tenants.GlobalAsync(CancellationToken.None);
        var tail = await context.AuditEvents.OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync();
        await using var connection = new SqliteConnection(context.Database.GetConnectionString());
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        var random = new Random(7);
        var time = new DateTimeOffsetToBinaryConverter();
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var step = TimeSpan.FromDays(365).Ticks / count;
        var previous = tail?.Hash ?? AuditHasher.GenesisHash;
        var sequence = tail?.Sequence ?? 0;
        SqliteTransaction? tx = null;
        SqliteCommand? insert = null;
        for (var i = 0; i < count; i++)
        {
            if (i % 20_000 == 0)
            {
                if (tx is not null) await tx.CommitAsync();
                tx = connection.BeginTransaction();
                insert = Insert(connection, tx);
            }
            var at = start.AddTicks(step * i);
            var e = Event(++sequence, new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero), i, orgs, random);
            e.PreviousHash = previous;
            e.HashVersion = AuditHasher.CurrentVersion;
            e.Hash = AuditHasher.Compute(e);
            previous = e.Hash;
            var p = insert!.Parameters;
            p[0].Value = e.Sequence; p[1].Value = time.ConvertToProvider(e.OccurredAt); p[2].Value = (object?)e.OrganizationId?.ToString().ToUpperInvariant() ?? DBNull.Value;
            p[3].Value = (int)e.ActorType; p[4].Value = (object?)e.ActorId ?? DBNull.Value; p[5].Value = (object?)e.ActorName ?? DBNull.Value;
            p[6].Value = (int)e.Type; p[7].Value = (object?)e.TargetType ?? DBNull.Value; p[8].Value = (object?)e.TargetId ?? DBNull.Value;
            p[9].Value = (object?)e.IpAddress ?? DBNull.Value; p[10].Value = (object?)e.UserAgent ?? DBNull.Value; p[11].Value = e.Succeeded ? 1 : 0;
            p[12].Value = e.Details; p[13].Value = e.PreviousHash; p[14].Value = e.Hash; p[15].Value = e.HashVersion;
            await insert.ExecuteNonQueryAsync();
            if ((i + 1) % 100_000 == 0) Console.WriteLine($"{i + 1:N0} events, {clock.Elapsed.TotalSeconds:F0} s");
        }
        await tx!.CommitAsync();
        // No ANALYZE: a real deployment has no planner statistics either, so the figures use SQLite's default plans.
        Console.WriteLine($"Inserted {count:N0} chained events in {clock.Elapsed.TotalSeconds:F0} s into {context.Database.GetConnectionString()}");
        Console.WriteLine($"Database file: {new FileInfo(new SqliteConnectionStringBuilder(context.Database.GetConnectionString()).DataSource).Length / 1_048_576} MiB");
    }

    private static SqliteCommand Insert(SqliteConnection connection, SqliteTransaction tx)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO AuditEvents (Sequence, OccurredAt, OrganizationId, ActorType, ActorId, ActorName, Type, TargetType, TargetId,
                IpAddress, UserAgent, Succeeded, Details, PreviousHash, Hash, HashVersion)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """;
        for (var n = 1; n <= 16; n++) command.Parameters.Add(new SqliteParameter("$" + n, null));
        command.Prepare();
        return command;
    }

    /// Events go round-robin to the 8 organizations and, 2 in 10, to no organization (sign-ins): of 1,000,000 events each
    /// organization has 100,000 (organization 0's are the export). Organization events are about a project 3 times in 4.
    private static AuditEvent Event(long sequence, DateTimeOffset at, int i, List<(Guid Id, Guid[] Projects)> orgs, Random random)
    {
        var bucket = i % 10;
        var e = new AuditEvent { Sequence = sequence, OccurredAt = at, PreviousHash = "", Hash = "", IpAddress = $"10.{i % 256}.{i / 256 % 256}.7", UserAgent = "Mozilla/5.0 (scale test)" };
        if (bucket >= 8)
        {
            var user = random.Next(200);
            e.ActorType = AuditActorType.User; e.ActorId = $"user-{user}"; e.ActorName = $"user{user}@example.test";
            e.Type = random.Next(100) switch { < 70 => AuditEventType.LoginSucceeded, < 95 => AuditEventType.LoginFailed, _ => AuditEventType.PasswordChanged };
            e.Succeeded = e.Type != AuditEventType.LoginFailed;
            e.TargetType = "user"; e.TargetId = e.ActorId;
            e.Details = e.Succeeded ? "{}" : "{\"reason\":\"bad password\"}";
            return e;
        }
        var (orgId, projects) = orgs[bucket < Orgs ? bucket : 0];
        var actor = random.Next(UsersPerOrg);
        e.OrganizationId = orgId; e.ActorType = AuditActorType.User; e.ActorId = $"u-{bucket}-{actor}"; e.ActorName = $"person{actor}@org{bucket}.example";
        var project = projects[random.Next(projects.Length)];
        var roll = random.Next(100);
        (e.Type, e.TargetType, e.TargetId) = roll switch
        {
            < 15 => ((AuditEventType)(1400 + random.Next(5)), "certificate", Guid.NewGuid().ToString()),
            < 30 => (AuditEventType.PolicyUpdated, "project", project.ToString()),
            < 50 => (random.Next(2) == 0 ? AuditEventType.ApiKeyCreated : AuditEventType.ApiKeyRevoked, "api_key", Guid.NewGuid().ToString()),
            < 65 => (AuditEventType.ProjectUpdated, "project", project.ToString()),
            < 75 => (AuditEventType.TestTokenMinted, "project", project.ToString()),
            < 95 => (random.Next(2) == 0 ? AuditEventType.MemberRoleChanged : AuditEventType.InvitationCreated, "member", $"u-{bucket}-{random.Next(50)}"),
            _ => (AuditEventType.CrossOrganizationAccessRefused, "organization", orgId.ToString()),
        };
        e.Succeeded = e.Type != AuditEventType.CrossOrganizationAccessRefused;
        e.Details = e.TargetType switch
        {
            "certificate" or "api_key" => $"{{\"projectId\":\"{project}\",\"fingerprint\":\"{random.Next():x8}\\u2026{random.Next():x4}\",\"name\":\"item {i}\"}}",
            "project" => $"{{\"projectId\":\"{project}\",\"before\":{{\"defaultLifetimeSeconds\":3600}},\"after\":{{\"defaultLifetimeSeconds\":{600 + i % 5000}}}}}",
            "member" => $"{{\"email\":\"member{i % 50}@org{bucket}.example\",\"role\":\"Admin\"}}",
            _ => "{\"target\":null}",
        };
        return e;
    }

    private static async Task MeasureAsync(WebApplication app)
    {
        await using var services = app.Services.CreateAsyncScope(); // both are scoped (they check their caller on each read)
        var search = services.ServiceProvider.GetRequiredService<AuditSearch>();
        var export = services.ServiceProvider.GetRequiredService<AuditExport>();
        Guid org0, org3, project;
        string actor;
        await using (var db = await app.Services.GetRequiredService<TenantDb>().UnfilteredAsync("audit scale measure", CancellationToken.None))
        {
            var orgs = await db.Organizations.Where(o => o.Name.StartsWith("Scale ")).OrderBy(o => o.Name).Select(o => o.Id).ToListAsync();
            (org0, org3) = (orgs[0], orgs[3]);
            project = await db.Projects.Where(p => p.OrganizationId == org3).OrderBy(p => p.Name).Select(p => p.Id).FirstAsync();
            actor = "person2@org3.example";
            Console.WriteLine($"{await db.AuditEvents.CountAsync():N0} events in the table; {await db.AuditEvents.CountAsync(e => e.OrganizationId == org0):N0} in organization 0");
        }
        var system = new AuditActor(AuditActorType.System, null, "bench", null, null);
        var scope3 = new AuditScope(org3, system);
        var week = DateTimeOffset.UtcNow.AddDays(-7);
        var cases = new (string Name, AuditScope Scope, AuditFilter Filter)[]
        {
            ("organization, no filter", scope3, new AuditFilter()),
            ("one project's certificate events", scope3, new AuditFilter(Area: "certificates", ProjectId: project)),
            ("one event type", scope3, new AuditFilter(Types: [AuditEventType.PolicyUpdated])),
            ("one actor, refused only", scope3, new AuditFilter(Actor: actor, Outcome: AuditOutcome.Refused)),
            ("text in details", scope3, new AuditFilter(Text: "member13@org3")),
            ("last 7 days, members area", scope3, new AuditFilter(From: week, Area: "members")),
            ("a year back to now", scope3, new AuditFilter(From: DateTimeOffset.UtcNow.AddDays(-400))),
            ("a range 200 days back, one project", scope3, new AuditFilter(From: DateTimeOffset.UtcNow.AddDays(-210), To: DateTimeOffset.UtcNow.AddDays(-200), ProjectId: project)),
            ("platform, failed sign-ins", new AuditScope(null, system), new AuditFilter(Types: [AuditEventType.LoginFailed])),
            ("page 2 via cursor", scope3, new AuditFilter()),
        };
        Console.WriteLine();
        Console.WriteLine("| filter (organization of 100,000 events unless noted) | API first page, 50 events: median / max of 7 | page's grid, 25 events | count for the page (capped at 10,001, runs after the grid) | rows |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, scope, filter) in cases)
        {
            var f = filter;
            if (name.StartsWith("page 2", StringComparison.Ordinal))
                f = filter with { Before = long.Parse((await search.PageAsync(scope, filter, CancellationToken.None)).NextCursor!, CultureInfo.InvariantCulture) };
            var rows = 0;
            var api = await TimeAsync(async () => rows = (await search.PageAsync(scope, f, CancellationToken.None)).Items.Count);
            var grid = await TimeAsync(async () => await search.GridPageAsync(scope, f, 0, 25, CancellationToken.None));
            var count = await TimeAsync(async () => await search.CountAsync(scope, f, CancellationToken.None));
            Console.WriteLine($"| {name} | {api.Median:F0} / {api.Max:F0} ms | {grid.Median:F0} / {grid.Max:F0} ms | {count.Median:F0} / {count.Max:F0} ms | {rows} |");
        }

        // The export: organization 0's 100,000 events streamed through the endpoint's writer, memory sampled meanwhile.
        var process = Process.GetCurrentProcess();
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        process.Refresh();
        var before = process.WorkingSet64;
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(10);
            }
        });
        var allocated = GC.GetTotalAllocatedBytes();
        var output = new CountingStream();
        var watch = Stopwatch.StartNew();
        var written = await export.WriteAsync(output, new AuditScope(org0, system), new AuditFilter(), AuditExportFormat.Jsonl, CancellationToken.None);
        watch.Stop();
        var csvWatch = Stopwatch.StartNew();
        var csvOutput = new CountingStream();
        var csvWritten = await export.WriteAsync(csvOutput, new AuditScope(org0, system), new AuditFilter(), AuditExportFormat.Csv, CancellationToken.None);
        csvWatch.Stop();
        await stop.CancelAsync();
        await sampler;
        Console.WriteLine();
        Console.WriteLine($"Export JSON Lines: {written:N0} events, {output.Length / 1_048_576.0:F0} MiB in {watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"Export CSV: {csvWritten:N0} events, {csvOutput.Length / 1_048_576.0:F0} MiB in {csvWatch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"Working set before {before / 1_048_576.0:F0} MiB, peak during both exports {peak / 1_048_576.0:F0} MiB: growth {(peak - before) / 1_048_576.0:F1} MiB");
        Console.WriteLine($"Allocated (total, collected as it goes): {(GC.GetTotalAllocatedBytes() - allocated) / 1_048_576.0:F0} MiB");

        var chain = app.Services.GetRequiredService<AuditChain>();
        var verify = Stopwatch.StartNew();
        var result = await chain.VerifyAsync(CancellationToken.None);
        Console.WriteLine($"Chain verification: {result.Message} in {verify.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<(double Median, double Max)> TimeAsync(Func<Task> run)
    {
        await run(); // warm-up: query plan cache, connection pool
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[3], times[^1]);
    }

    /// Discards what it is given and counts the bytes, like a client reading the download.
    private sealed class CountingStream : Stream
    {
        public override long Length => Position;
        public override long Position { get; set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Position += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Position += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
