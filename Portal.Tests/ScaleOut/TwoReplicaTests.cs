using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Projects;
using Portal.Features.Audit;
using Portal.Features.Certificates;
using Portal.Tests.Infrastructure;
using Portal.Tokens;

namespace Portal.Tests.ScaleOut;

/// Two Portal processes on one PostgreSQL (issue 9): what one replica changes, the other honours within 5 s;
/// usage adds up; the rotation job runs once per schedule. Runs in test.sh's first pass (PostgreSQL is always
/// started there), hence the trait that keeps it out of the second, all-PostgreSQL pass.
[Trait("Provider", "Postgres")]
public sealed class TwoReplicaTests(ReplicaPair pair) : IClassFixture<ReplicaPair>
{
    private static readonly TimeSpan Coherence = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task CertificateRotatedOnOne_IsUsedByTheOther_Within5Seconds()
    {
        var first = ApiActors.NewCertificate();
        var project = await pair.ProjectAsync(first);
        var (key, _) = await project.KeyAsync(project.OwnerOnA);
        using var onB = pair.B.Client(key);
        Assert.True(AccessToken2.Parse(await (await onB.RtcAsync()).TokenAsync()).VerifySignature(first));

        var second = ApiActors.NewCertificate();
        await (await project.OwnerOnA.PostAsJsonAsync($"{project.Path}/certificates", new { certificate = second, activation = "Now" }))
            .JsonAsync(HttpStatusCode.Created);

        var signedWithSecond = await ReplicaRequests.WithinAsync(Coherence, async () =>
            AccessToken2.Parse(await (await onB.RtcAsync()).TokenAsync()).VerifySignature(second));
        Assert.True(signedWithSecond, "replica B still signs with the old certificate 5 s after A rotated it");
    }

    [Fact]
    public async Task KeyRevokedOnOne_IsRefusedByTheOther_Within5Seconds()
    {
        var project = await pair.ProjectAsync();
        var (key, keyId) = await project.KeyAsync(project.OwnerOnB);
        using var onB = pair.B.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await onB.RtcAsync()).StatusCode); // B has the key in its cache now

        (await project.OwnerOnA.DeleteAsync($"{project.Path}/api-keys/{keyId}")).EnsureSuccessStatusCode();

        var refused = await ReplicaRequests.WithinAsync(Coherence, async () => (await onB.RtcAsync()).StatusCode == HttpStatusCode.Unauthorized);
        Assert.True(refused, "replica B still accepts the key 5 s after A revoked it");
    }

    [Fact]
    public async Task UidRevokedOnOne_IsRefusedTokenRevokedByTheOther_Within5Seconds_AndLiftingOnTheOtherLetsItBackIn()
    {
        var project = await pair.ProjectAsync();
        var (key, _) = await project.KeyAsync(project.OwnerOnA);
        using var onA = pair.A.Client(key);
        using var onB = pair.B.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await onB.RtcAsync(42)).StatusCode); // B has the project in its cache now

        var revoked = await (await project.OwnerOnA.PostAsJsonAsync($"{project.Path}/revocations", new { uid = 42 })).JsonAsync(HttpStatusCode.Created);

        var refused = await ReplicaRequests.WithinAsync(Coherence, async () =>
        {
            var response = await onB.RtcAsync(42);
            return response.StatusCode == HttpStatusCode.Forbidden && (await response.Content.ReadAsStringAsync()).Contains("token_revoked");
        });
        Assert.True(refused, "replica B still issues tokens for the revoked uid 5 s after A revoked it");
        Assert.Equal(HttpStatusCode.OK, (await onB.RtcAsync(43)).StatusCode);

        (await project.OwnerOnB.DeleteAsync($"{project.Path}/revocations/{revoked.GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
        var back = await ReplicaRequests.WithinAsync(Coherence, async () => (await onA.RtcAsync(42)).StatusCode == HttpStatusCode.OK);
        Assert.True(back, "replica A still refuses the uid 5 s after B lifted the revocation");
    }

    [Fact]
    public async Task ConcurrentBurstsOnBoth_UsageTotalsEqualTokensIssued()
    {
        var project = await pair.ProjectAsync();
        var keys = new[] { await project.KeyAsync(project.OwnerOnA), await project.KeyAsync(project.OwnerOnA) };
        var clients = keys.SelectMany(k => new[] { pair.A.Client(k.Key), pair.B.Client(k.Key) }).ToList();

        // Two bursts: the first makes both replicas insert the same new counter rows at once, the second adds to them.
        var issued = 0;
        for (var burst = 0; burst < 2; burst++)
        {
            var results = await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, 60).Select(async i =>
                (await c.RtcAsync((uint)i + 1)).StatusCode)));
            Assert.All(results, s => Assert.Equal(HttpStatusCode.OK, s));
            issued += results.Length;
        }

        long counted = 0;
        var settled = await ReplicaRequests.WithinAsync(TimeSpan.FromSeconds(20), async () =>
        {
            await using var db = pair.Db();
            counted = await db.UsageCounters.IgnoreQueryFilters()
                .Where(u => u.ProjectId == project.ProjectId && u.Outcome == "issued").SumAsync(u => u.Count);
            return counted >= issued;
        });
        Assert.True(settled, $"usage shows {counted} of {issued} tokens issued");
        Assert.Equal(issued, counted);
        foreach (var c in clients) c.Dispose();
    }

    [Fact]
    public async Task ConcurrentChangesOnBoth_KeepOneIntactAuditChain()
    {
        var project = await pair.ProjectAsync();
        var other = await pair.ProjectAsync();
        // Each key creation appends an audit event; both processes append at the same time. Certificate imports
        // append theirs inside the ring change's own transaction (one project per replica, so no ring conflict).
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => project.KeyAsync(i % 2 == 0 ? project.OwnerOnA : project.OwnerOnB))
            .Append(ImportCertificatesAsync(project.OwnerOnA, project)).Append(ImportCertificatesAsync(other.OwnerOnB, other)));

        var chain = await new AuditChain(new DbFactory(pair), TimeProvider.System).VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(chain.Intact, chain.Message);
        await using var db = pair.Db();
        Assert.Equal(12, await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.ApiKeyCreated && e.OrganizationId == project.OrganizationId));
        Assert.Equal(6, await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.CertificateImported &&
            (e.OrganizationId == project.OrganizationId || e.OrganizationId == other.OrganizationId)));
    }

    [Fact]
    public async Task RotationJob_RunsOncePerScheduleAcrossBoth_AndRotatesADueCertificateOnce()
    {
        var project = await pair.ProjectAsync(); // a generated certificate, which the job may rotate by itself
        await ApiActors.UpdatePolicyAsync(project.OwnerOnA, $"{project.Path}/policy", new { rotationIntervalDays = 1 });
        await using (var db = pair.Db())
            await db.ProjectCertificates.IgnoreQueryFilters().Where(c => c.ProjectId == project.ProjectId && c.State == CertificateState.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ActivatedAt, DateTimeOffset.UtcNow.AddDays(-2)));
        var runsBefore = await RotationRunsAsync();

        // Wait for the rotation, then for two more runs of the job: none of them may rotate it again.
        Assert.True(await ReplicaRequests.WithinAsync(TimeSpan.FromSeconds(40), async () => await RotationsAsync(project) > 0),
            "the rotation job did not rotate the due certificate");
        Assert.True(await ReplicaRequests.WithinAsync(TimeSpan.FromSeconds(40), async () => (await RotationRunsAsync()).Count >= runsBefore.Count + 3),
            "the rotation job did not keep running");

        Assert.Equal(1, await RotationsAsync(project));
        await using (var db = pair.Db())
        {
            var ring = await db.ProjectCertificates.IgnoreQueryFilters().Where(c => c.ProjectId == project.ProjectId).ToListAsync();
            Assert.Equal(2, ring.Count);
            Assert.Single(ring, c => c.State == CertificateState.Active);
        }
        var runs = await RotationRunsAsync();
        Assert.Equal(runs.Count, runs.Distinct().Count()); // one job per scheduled time, never one per replica
        await using var hangfire = new NpgsqlConnection(pair.ConnectionString);
        await hangfire.OpenAsync();
        await using var servers = new NpgsqlCommand("SELECT count(*) FROM hangfire.server", hangfire);
        Assert.Equal(2L, (long)(await servers.ExecuteScalarAsync())!); // both replicas were scheduling
    }

    private static async Task ImportCertificatesAsync(HttpClient owner, ReplicaProject project)
    {
        for (var i = 0; i < 3; i++)
            await (await owner.PostAsJsonAsync($"{project.Path}/certificates", new { certificate = ApiActors.NewCertificate(), activation = "Now" }))
                .JsonAsync(HttpStatusCode.Created);
    }

    private async Task<int> RotationsAsync(ReplicaProject project)
    {
        await using var db = pair.Db();
        // A rotation by the job is a generated certificate made Active, recorded with the job as the actor.
        return await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.CertificateGenerated &&
            e.ActorName == CertificateRotationJob.RecurringId && e.OrganizationId == project.OrganizationId);
    }

    /// The scheduled time of every job Hangfire created for the rotation job (its "Time" parameter).
    private async Task<List<string>> RotationRunsAsync()
    {
        await using var connection = new NpgsqlConnection(pair.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT t.value FROM hangfire.jobparameter t
            JOIN hangfire.jobparameter r ON r.jobid = t.jobid AND r.name = 'RecurringJobId' AND r.value LIKE '%certificate-rotation%'
            WHERE t.name = 'Time'
            """, connection);
        var times = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) times.Add(reader.GetString(0));
        return times;
    }

    private sealed class DbFactory(ReplicaPair pair) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => pair.Db();
    }
}
