using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Identity;

namespace Portal.Tests.Infrastructure;

public static class TestUsers
{
    public const string Password = "correct horse battery";

    /// Creates a user directly through Identity (as the platform admin or an invitation would).
    public static async Task<PortalUser> CreateAsync(PortalAppFactory app, string? email = null, string? role = null, bool mustChangePassword = false)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        email ??= $"user-{Guid.NewGuid():N}@example.test";
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, MustChangePassword = mustChangePassword };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        if (role is not null) await users.AddToRoleAsync(user, role);
        return user;
    }
}
