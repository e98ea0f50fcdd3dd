using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.Certificates;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Certificates;

/// The rotation job on a fake clock: each transition, idempotence, overlapping runs.
public sealed class CertificateRotationJobTests(CertificateRotationJobTests.Factory app) : IClassFixture<CertificateRotationJobTests.Factory>
{
    public sealed class Factory() : PortalAppFactory(clock: new FakeTimeProvider(DateTimeOffset.UtcNow));

    private FakeTimeProvider Clock => app.Clock!;

    private Task RunAsync() => app.Services.GetRequiredService<CertificateRotationJob>().RunAsync(CancellationToken.None);

    private async Task<(TestOrg Org, string Path)> ProjectAsync(object? policy = null)
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var id = (await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Rotating", appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var path = $"{org.Path}/projects/{id}";
        if (policy is not null) await ApiActors.UpdatePolicyAsync(org.Owner, $"{path}/policy", policy);
        return (org, path);
    }

    /// Straight from the database: the owner's one-hour API token does not survive the fake clock's jumps.
    private async Task<List<Portal.Data.Projects.ProjectCertificate>> RingAsync(TestOrg org, string path)
    {
        var projectId = Guid.Parse(path[(path.LastIndexOf('/') + 1)..]);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.ProjectCertificates.IgnoreQueryFilters().Where(c => c.ProjectId == projectId).ToListAsync();
    }

    private static string State(List<Portal.Data.Projects.ProjectCertificate> ring, Guid id) => ring.Single(c => c.Id == id).State.ToString();

    [Fact]
    public async Task StagedCertificate_IsPromotedWhenItsTimeComes_AndPreviousIsRetiredAfterGrace()
    {
        var (org, path) = await ProjectAsync(new { maxLifetimeSeconds = 3600, defaultLifetimeSeconds = 3600 });
        var first = (await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Now" })).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var staged = (await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Staged", effectiveAt = Clock.GetUtcNow().AddHours(1) }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await RunAsync();
        Assert.Equal("Staged", State(await RingAsync(org, path), staged));

        Clock.Advance(TimeSpan.FromHours(1));
        await RunAsync();
        await RunAsync(); // the same run twice leaves the same state
        var ring = await RingAsync(org, path);
        Assert.Equal("Active", State(ring, staged));
        Assert.Equal("Previous", State(ring, first));

        Clock.Advance(TimeSpan.FromSeconds(3601)); // past the grace (= the policy's maximum lifetime)
        await RunAsync();
        ring = await RingAsync(org, path);
        Assert.Equal("Retired", State(ring, first));
        Assert.Single(ring, c => c.State == Portal.Data.Projects.CertificateState.Active);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Null((await db.ProjectCertificates.IgnoreQueryFilters().SingleAsync(c => c.Id == first)).ProtectedSecret);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == AuditEventType.CertificateRetired && e.TargetId == first.ToString() && e.ActorName == CertificateRotationJob.RecurringId));
    }

    [Fact]
    public async Task GeneratedCertificate_OlderThanTheInterval_IsRotatedOnce_EvenByOverlappingRuns()
    {
        var (org, path) = await ProjectAsync(new { rotationIntervalDays = 30 });
        var first = (await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Now" })).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        Clock.Advance(TimeSpan.FromDays(29));
        await RunAsync();
        Assert.Single(await RingAsync(org, path));

        Clock.Advance(TimeSpan.FromDays(1));
        await Task.WhenAll(RunAsync(), RunAsync(), RunAsync());
        var ring = await RingAsync(org, path);
        Assert.Equal(2, ring.Count); // one rotation, not three
        Assert.Equal("Previous", State(ring, first));
        Assert.Single(ring, c => c.State == Portal.Data.Projects.CertificateState.Active && c.Source == Portal.Data.Projects.CertificateSource.Generated);
    }

    [Fact]
    public async Task ImportedCertificate_OlderThanTheInterval_IsFlaggedOnce_AndNotRotated()
    {
        var (org, path) = await ProjectAsync(new { rotationIntervalDays = 7 });
        var imported = (await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { certificate = ApiActors.NewCertificate(), activation = "Now" }))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Clock.Advance(TimeSpan.FromDays(8));
        await RunAsync();
        await RunAsync();

        Assert.Equal("Active", State(await RingAsync(org, path), imported));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Type == AuditEventType.CertificateRotationDue && e.TargetId == imported.ToString()));
        Assert.NotNull((await db.Projects.IgnoreQueryFilters().SingleAsync(p => p.Certificates.Any(c => c.Id == imported))).RotationDueSince);

        // Importing and promoting the secondary certificate clears the alert (fresh token: the clock jumped a week).
        var owner = await ApiActors.ClientForAsync(app, org.OwnerEmail);
        (await owner.PostAsJsonAsync($"{path}/certificates", new { certificate = ApiActors.NewCertificate(), activation = "Now" })).EnsureSuccessStatusCode();
        await using var db2 = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Null((await db2.Projects.IgnoreQueryFilters().SingleAsync(p => p.Certificates.Any(c => c.Id == imported))).RotationDueSince);
    }
}
