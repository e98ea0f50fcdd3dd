using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

/// Creates the platform admin (and optionally an automation token) at start if absent. Idempotent: a second
/// start never creates another admin and never changes an existing one.
public sealed class AdminBootstrapper(
    IServiceScopeFactory scopes, IOptions<PortalOptions> options, DataDirectory dataDirectory, TimeProvider clock,
    ManagementTokenService tokens, ILogger<AdminBootstrapper> log)
{
    public const string DefaultAdminEmail = "admin@localhost";
    public const string InitialPasswordFile = "initial-admin-password";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var users = sp.GetRequiredService<UserManager<PortalUser>>();
        var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
        var db = sp.GetRequiredService<PortalDbContext>();
        var audit = sp.GetRequiredService<AuditLog>();
        var bootstrap = options.Value.Bootstrap;

        if (!await roles.RoleExistsAsync(PortalRoles.PlatformAdmin))
            Check(await roles.CreateAsync(new IdentityRole(PortalRoles.PlatformAdmin)));

        PortalUser? admin;
        if (!string.IsNullOrWhiteSpace(bootstrap.AdminEmail))
        {
            admin = await users.FindByEmailAsync(bootstrap.AdminEmail)
                    ?? await CreateAdminAsync(users, db, audit, bootstrap.AdminEmail.Trim(), bootstrap.AdminPassword, ct);
        }
        else
        {
            var existing = await users.GetUsersInRoleAsync(PortalRoles.PlatformAdmin);
            admin = existing.Count > 0 ? null : await CreateAdminAsync(users, db, audit, DefaultAdminEmail, null, ct);
        }

        if (!string.IsNullOrEmpty(bootstrap.AdminApiToken))
        {
            admin ??= await users.FindByEmailAsync(DefaultAdminEmail);
            if (admin is null)
                throw new StartupException("Portal:Bootstrap:AdminApiToken needs Portal:Bootstrap:AdminEmail to say which admin owns it.");
            await EnsureApiTokenAsync(db, admin, bootstrap.AdminApiToken, ct);
        }
    }

    private async Task<PortalUser> CreateAdminAsync(UserManager<PortalUser> users, PortalDbContext db, AuditLog audit,
        string email, string? password, CancellationToken ct)
    {
        var generated = string.IsNullOrEmpty(password);
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            CreatedAt = clock.GetUtcNow(),
            MustChangePassword = generated,
        };
        password = generated ? GeneratePassword() : password!;
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new StartupException($"Cannot create the platform admin {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        Check(await users.AddToRoleAsync(user, PortalRoles.PlatformAdmin));

        if (generated)
        {
            // Printed once, to the console only (not through logging, which may be shipped elsewhere).
            dataDirectory.WriteOwnerOnly(InitialPasswordFile, password + Environment.NewLine);
            Console.WriteLine();
            Console.WriteLine($"  Portal created the platform admin {email} with the password: {password}");
            Console.WriteLine($"  It is also in {dataDirectory.File(InitialPasswordFile)}; you must change it at first login.");
            Console.WriteLine();
        }
        log.LogInformation("Created platform admin {Email}", email);
        await audit.SaveAsync(db, AuditActor.System,
            new AuditEntry(AuditEventType.BootstrapAdminCreated, "user", user.Id, new { email, generatedPassword = generated }), ct);
        return user;
    }

    private async Task EnsureApiTokenAsync(PortalDbContext db, PortalUser admin, string secret, CancellationToken ct)
    {
        if (secret.Length < 32)
            throw new StartupException("Portal:Bootstrap:AdminApiToken must be at least 32 characters of random text, e.g. `ptm_` + `openssl rand -hex 24`.");
        var prefix = ManagementTokenSecrets.PrefixOf(secret);
        var existing = await db.ManagementTokens.Where(t => t.Prefix == prefix).ToListAsync(ct);
        if (existing.FirstOrDefault(t => ManagementTokenSecrets.Matches(secret, t.SecretHash)) is { } configured)
        {
            // Made before tokens had a kind: it is the configured one, which a password change does not revoke.
            if (configured.Kind != ManagementTokenKind.Bootstrap && configured.UserId == admin.Id)
            {
                configured.Kind = ManagementTokenKind.Bootstrap;
                await db.SaveChangesAsync(ct);
            }
            return;
        }
        await tokens.AddAsync(admin.Id, "bootstrap", secret, null, AuditActor.System, AuditEventType.ManagementTokenCreated,
            ManagementTokenKind.Bootstrap, ct);
        log.LogInformation("Created the bootstrap management token for {Email}", admin.Email);
    }

    private static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(20, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new StartupException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
