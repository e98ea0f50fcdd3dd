using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;
using Portal.Features.Projects;

namespace Portal.Benchmarks;

/// The Projects page's server-side queries on one organization with 10,000 projects (SQLite file, real services).
[MemoryDiagnoser]
public class ProjectListBenchmarks
{
    private WebApplication _app = null!;
    private ProjectService _projects = null!;
    private OrgCaller _caller = null!;
    private IServiceScope _scope = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "portal-bench-" + Guid.NewGuid().ToString("N"));
        _app = PortalApp.Build([], b =>
        {
            b.Configuration["Portal:DataDirectory"] = dir;
            b.Configuration["Portal:Jobs:Storage"] = "InMemory";
            b.Configuration["Portal:Jobs:RunServer"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
        }, serve: false);
        PortalApp.InitializeAsync(_app, CancellationToken.None).GetAwaiter().GetResult();
        var orgId = Guid.NewGuid();
        var tenants = _app.Services.GetRequiredService<TenantDb>();
        using (var db = tenants.UnfilteredAsync("benchmark seed", CancellationToken.None).GetAwaiter().GetResult())
        {
            db.Organizations.Add(new Organization { Id = orgId, Name = "Bench", Slug = "bench" });
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 10_000; i++)
                db.Projects.Add(new Project
                {
                    Id = Guid.NewGuid(),
                    OrganizationId = orgId,
                    Name = $"project {i:D5}",
                    AppId = Guid.NewGuid().ToString("N"),
                    CreatedAt = now.AddSeconds(-i),
                    UpdatedAt = now,
                });
            db.SaveChanges();
        }
        _scope = _app.Services.CreateScope();
        _projects = _scope.ServiceProvider.GetRequiredService<ProjectService>();
        _caller = new OrgCaller(orgId, "bench", OrganizationRole.Owner, false, new AuditActor(AuditActorType.System, null, null, null, null));
    }

    [GlobalCleanup]
    public void Cleanup() { _scope.Dispose(); _app.DisposeAsync().AsTask().GetAwaiter().GetResult(); }

    [Benchmark(Baseline = true)]
    public Task<PageOf<ProjectDto>> FirstPageByName() => _projects.ListAsync(_caller, new ProjectQuery(), CancellationToken.None);

    [Benchmark]
    public Task<PageOf<ProjectDto>> LastPageByName() => _projects.ListAsync(_caller, new ProjectQuery(Page: 400), CancellationToken.None);

    [Benchmark]
    public Task<PageOf<ProjectDto>> NewestFirst() => _projects.ListAsync(_caller, new ProjectQuery(Sort: ProjectSort.CreatedAt, Descending: true), CancellationToken.None);

    [Benchmark]
    public Task<PageOf<ProjectDto>> Search() => _projects.ListAsync(_caller, new ProjectQuery(Search: "0999"), CancellationToken.None);
}
