using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Projects;
using Portal.Features.Certificates;
using Portal.Features.TokenIssuance;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Certificates;

/// The rotation job under faults: a run killed between two steps, then a normal run; and the verify API
/// accepting the old certificate's tokens during its grace and not after.
public sealed class CertificateRotationFaultTests(CertificateRotationFaultTests.Factory app) : IClassFixture<CertificateRotationFaultTests.Factory>
{
    public sealed class Factory() : PortalAppFactory(clock: new FakeTimeProvider(DateTimeOffset.UtcNow))
    {
        public FaultySteps Steps { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<RotationSteps>(Steps)));
        }
    }

    /// Throws once after the named step of the named project, like a process killed at that point.
    public sealed class FaultySteps : RotationSteps
    {
        private readonly Dictionary<Guid, string> _faults = [];

        public void FailOnceAfter(Guid projectId, string step) { lock (_faults) _faults[projectId] = step; }

        public override Task CompletedAsync(string step, Guid projectId)
        {
            lock (_faults)
                if (_faults.TryGetValue(projectId, out var failAt) && failAt == step && _faults.Remove(projectId))
                    throw new InvalidOperationException($"injected fault after '{step}'");
            return Task.CompletedTask;
        }
    }

    private FakeTimeProvider Clock => app.Clock!;

    private Task RunAsync() => app.Services.GetRequiredService<CertificateRotationJob>().RunAsync(CancellationToken.None);

    private async Task<List<ProjectCertificate>> RingAsync(Guid projectId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.ProjectCertificates.IgnoreQueryFilters().AsNoTracking().Where(c => c.ProjectId == projectId).ToListAsync();
    }

    private static Guid Id(System.Text.Json.JsonElement created) => created.GetProperty("id").GetGuid();

    [Fact]
    public async Task RunKilledAfterRotating_LeavesAStateTheNextRunCompletes_WithoutASecondRotation()
    {
        // A generated certificate due for rotation and an expired Previous one: the job rotates, then retires.
        var project = await TokenProject.CreateAsync(app, policyChanges: new { rotationIntervalDays = 30, maxLifetimeSeconds = 3600, defaultLifetimeSeconds = 3600 });
        var owner = project.Org.Owner;
        var generated = Id(await (await owner.PostAsJsonAsync($"{project.Path}/certificates", new { activation = "Now" })).JsonAsync(HttpStatusCode.Created));
        var imported = (await RingAsync(project.ProjectId)).Single(c => c.Source == CertificateSource.Imported).Id;
        Clock.Advance(TimeSpan.FromDays(30));

        app.Steps.FailOnceAfter(project.ProjectId, "rotated");
        await RunAsync();
        var ring = await RingAsync(project.ProjectId);
        Assert.Equal(CertificateState.Previous, ring.Single(c => c.Id == generated).State);
        Assert.Equal(CertificateState.Previous, ring.Single(c => c.Id == imported).State); // not retired: the run died first
        Assert.Equal(3, ring.Count);

        await RunAsync();
        await RunAsync();
        ring = await RingAsync(project.ProjectId);
        Assert.Equal(3, ring.Count); // no second rotation
        Assert.Equal(CertificateState.Retired, ring.Single(c => c.Id == imported).State);
        Assert.Null(ring.Single(c => c.Id == imported).ProtectedSecret);
        Assert.Equal(CertificateState.Previous, ring.Single(c => c.Id == generated).State);
        Assert.Single(ring, c => c.State == CertificateState.Active);
    }

    [Fact]
    public async Task RunKilledAfterPromoting_LeavesAStateTheNextRunCompletes()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { maxLifetimeSeconds = 3600, defaultLifetimeSeconds = 3600 });
        var owner = project.Org.Owner;
        var first = (await RingAsync(project.ProjectId)).Single().Id;
        var second = Id(await (await owner.PostAsJsonAsync($"{project.Path}/certificates", new { activation = "Now" })).JsonAsync(HttpStatusCode.Created));
        var staged = Id(await (await owner.PostAsJsonAsync($"{project.Path}/certificates",
            new { activation = "Staged", effectiveAt = Clock.GetUtcNow().AddHours(2) })).JsonAsync(HttpStatusCode.Created));
        Clock.Advance(TimeSpan.FromHours(2)); // the staged one is due and `first` is past its one-hour grace

        app.Steps.FailOnceAfter(project.ProjectId, "promoted");
        await RunAsync();
        var ring = await RingAsync(project.ProjectId);
        Assert.Equal(CertificateState.Active, ring.Single(c => c.Id == staged).State);
        Assert.Equal(CertificateState.Previous, ring.Single(c => c.Id == first).State);

        await RunAsync();
        ring = await RingAsync(project.ProjectId);
        Assert.Equal(CertificateState.Retired, ring.Single(c => c.Id == first).State);
        Assert.Equal(CertificateState.Previous, ring.Single(c => c.Id == second).State); // its grace started at the promotion
        Assert.Single(ring, c => c.State == CertificateState.Active);
    }

    [Fact]
    public async Task TokenOfTheOldCertificate_VerifiesDuringGrace_AndNotAfter()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { rotationIntervalDays = 1, maxLifetimeSeconds = 7200, defaultLifetimeSeconds = 600 });
        var (key, _) = await project.KeyAsync(expiresAt: null);
        var client = project.Client(key);
        // A generated Active certificate, so that the job rotates by itself.
        (await project.Org.Owner.PostAsJsonAsync($"{project.Path}/certificates", new { activation = "Now" })).EnsureSuccessStatusCode();
        Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(10)); // a token issued shortly before the rotation
        RefreshCache();
        var token = (await (await client.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 5, expireSeconds = 7200 }))
            .JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString();

        Clock.Advance(TimeSpan.FromMinutes(10));
        await RunAsync();
        RefreshCache();
        var duringGrace = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token })).JsonAsync(HttpStatusCode.OK);
        Assert.True(duringGrace.GetProperty("valid").GetBoolean(), duringGrace.ToString());
        Assert.Equal("Previous", duringGrace.GetProperty("certificate").GetProperty("state").GetString());

        Clock.Advance(TimeSpan.FromSeconds(7201));
        await RunAsync();
        RefreshCache();
        var afterGrace = await (await client.PostAsJsonAsync("/api/v1/tokens/verify", new { token })).JsonAsync(HttpStatusCode.OK);
        Assert.False(afterGrace.GetProperty("valid").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, afterGrace.GetProperty("certificate").ValueKind);
        Assert.Contains("signature_invalid", afterGrace.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    /// The cache poller clears the token API's cache within a second of a change; the test does it at once.
    private void RefreshCache()
    {
        var cache = app.Services.GetRequiredService<IssuanceCache>();
        cache.Invalidate(cache.Version);
    }
}
