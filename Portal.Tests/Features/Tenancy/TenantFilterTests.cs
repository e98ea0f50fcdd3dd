using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Organizations;
using Portal.Data.Projects;
using Portal.Data.Tenancy;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Tenancy;

public sealed class TenantFilterTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task ContextWithoutOrganization_SeesNoTenantRows_AndScopedContextSeesOnlyItsOwn()
    {
        var tenants = app.Services.GetRequiredService<TenantDb>();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var seed = await tenants.UnfilteredAsync("test seed", TestContext.Current.CancellationToken))
        {
            foreach (var org in new[] { a, b })
            {
                seed.Organizations.Add(new Organization { Id = org, Name = "o", Slug = "s" + org.ToString("N")[..10] });
                seed.Projects.Add(new Project { Id = Guid.NewGuid(), OrganizationId = org, Name = "p", AppId = ApiActors.NewAppId() });
            }
            await seed.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var global = await tenants.GlobalAsync(TestContext.Current.CancellationToken);
        Assert.Empty(await global.Projects.ToListAsync(TestContext.Current.CancellationToken));
        await using var scoped = await tenants.ForOrganizationAsync(a, TestContext.Current.CancellationToken);
        Assert.Equal(a, Assert.Single(await scoped.Projects.ToListAsync(TestContext.Current.CancellationToken)).OrganizationId);
    }

    [Fact]
    public async Task ScopedContext_RefusesToWriteAnotherOrganizationsRow()
    {
        var tenants = app.Services.GetRequiredService<TenantDb>();
        await using var scoped = await tenants.ForOrganizationAsync(Guid.NewGuid(), TestContext.Current.CancellationToken);
        scoped.Projects.Add(new Project { Id = Guid.NewGuid(), OrganizationId = Guid.NewGuid(), Name = "p", AppId = ApiActors.NewAppId() });
        await Assert.ThrowsAsync<TenantViolationException>(() => scoped.SaveChangesAsync(TestContext.Current.CancellationToken));

        await using var global = await tenants.GlobalAsync(TestContext.Current.CancellationToken);
        global.Projects.Add(new Project { Id = Guid.NewGuid(), OrganizationId = Guid.NewGuid(), Name = "p", AppId = ApiActors.NewAppId() });
        await Assert.ThrowsAsync<TenantViolationException>(() => global.SaveChangesAsync(TestContext.Current.CancellationToken));
    }
}
