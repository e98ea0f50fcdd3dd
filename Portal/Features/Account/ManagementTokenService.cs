using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Identity;
using Portal.Features.Audit;

namespace Portal.Features.Account;

public sealed record ManagementTokenDto(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// The token itself appears only in this result, once.
public sealed record CreatedManagementToken(ManagementTokenDto Info, string Token);

public sealed record CreateManagementToken(string Name, DateTimeOffset? ExpiresAt);

/// Named management tokens of one user: created and revoked on the account page and through /api/v1/me/tokens.
public sealed class ManagementTokenService(IDbContextFactory<PortalDbContext> dbs, AuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 100;

    public async Task<IReadOnlyList<ManagementTokenDto>> ListAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.ManagementTokens.AsNoTracking().Where(t => t.UserId == userId).ToListAsync(ct);
        return rows.OrderByDescending(t => t.CreatedAt).Select(ToDto).ToList();
    }

    /// Validates, creates and audits. Returns an error code and message instead of throwing for bad input.
    public async Task<(CreatedManagementToken? Created, string? ErrorCode, string? Error)> CreateAsync(
        string userId, CreateManagementToken input, AuditActor actor, CancellationToken ct, AuditEventType type = AuditEventType.ManagementTokenCreated)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) return (null, "name_required", "Give the token a name so you can recognise it later.");
        if (name.Length > MaxNameLength) return (null, "name_too_long", $"The name may be at most {MaxNameLength} characters.");
        var now = clock.GetUtcNow();
        if (input.ExpiresAt is { } expires && expires <= now)
            return (null, "expiry_in_past", "The expiry must be in the future; leave it empty for a token that does not expire.");

        var secret = ManagementTokenSecrets.NewToken();
        var entity = await AddAsync(userId, name, secret, input.ExpiresAt, actor, type, ct);
        return (new CreatedManagementToken(ToDto(entity), secret), null, null);
    }

    /// Stores a token whose secret the caller already has (bootstrap) or just generated.
    internal async Task<ManagementToken> AddAsync(string userId, string name, string secret, DateTimeOffset? expiresAt,
        AuditActor actor, AuditEventType type, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entity = new ManagementToken
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            Prefix = ManagementTokenSecrets.PrefixOf(secret),
            SecretHash = ManagementTokenSecrets.Hash(secret),
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ManagementTokens.Add(entity);
        await audit.SaveAsync(db, actor, new AuditEntry(type, "management_token", entity.Id.ToString(),
            new { name, prefix = entity.Prefix, expiresAt, userId }), ct);
        return entity;
    }

    public async Task<bool> RevokeAsync(string userId, Guid tokenId, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var token = await db.ManagementTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct);
        if (token is null) return false;
        if (token.RevokedAt is not null) return true;
        token.RevokedAt = clock.GetUtcNow();
        await audit.SaveAsync(db, actor, new AuditEntry(AuditEventType.ManagementTokenRevoked, "management_token", token.Id.ToString(),
            new { name = token.Name, prefix = token.Prefix }), ct);
        return true;
    }

    internal static ManagementTokenDto ToDto(ManagementToken t) =>
        new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}
