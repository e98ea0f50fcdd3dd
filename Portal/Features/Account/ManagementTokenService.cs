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
    /// <param name="creatorTokenId">The management token the request came with (API), or null (a signed-in UI session).
    /// A token made by another token never outlives it: a stolen one-hour login token cannot mint a permanent one.</param>
    public async Task<(CreatedManagementToken? Created, string? ErrorCode, string? Error)> CreateAsync(
        string userId, CreateManagementToken input, AuditActor actor, CancellationToken ct, Guid? creatorTokenId = null)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) return (null, "name_required", "Give the token a name so you can recognise it later.");
        if (name.Length > MaxNameLength) return (null, "name_too_long", $"The name may be at most {MaxNameLength} characters.");
        var now = clock.GetUtcNow();
        if (input.ExpiresAt is { } expires && expires <= now)
            return (null, "expiry_in_past", "The expiry must be in the future; leave it empty for a token that does not expire.");

        var expiresAt = input.ExpiresAt;
        if (creatorTokenId is { } creatorId)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var creator = await db.ManagementTokens.AsNoTracking().Where(t => t.Id == creatorId && t.UserId == userId)
                .Select(t => new { t.ExpiresAt }).SingleOrDefaultAsync(ct);
            if (creator is null) return (null, "token_unknown", "The token this request came with is no longer known: sign in again.");
            if (creator.ExpiresAt is { } limit && (expiresAt is null || expiresAt > limit)) expiresAt = limit;
        }

        var secret = ManagementTokenSecrets.NewToken();
        var entity = await AddAsync(userId, name, secret, expiresAt, actor, AuditEventType.ManagementTokenCreated, ManagementTokenKind.Named, ct);
        return (new CreatedManagementToken(ToDto(entity), secret), null, null);
    }

    /// After the password was changed or reset, or 2FA turned on: every management token of the user stops working
    /// (whoever held the old credentials may have made some), except the one the installation's configuration owns.
    /// The revocations are made on the caller's <paramref name="db"/>, not saved, so that they are saved with the
    /// credential change in its transaction; the result is the audit entry that records them (null: none to revoke).
    internal async Task<AuditEntry?> StageRevokeAllAsync(PortalDbContext db, string userId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var live = await db.ManagementTokens.Where(t => t.UserId == userId && t.RevokedAt == null && t.Kind != ManagementTokenKind.Bootstrap)
            .ToListAsync(ct);
        live = live.Where(t => t.IsUsableAt(now)).ToList();
        if (live.Count == 0) return null;
        foreach (var token in live) token.RevokedAt = now;
        return new AuditEntry(AuditEventType.ManagementTokensRevokedForCredentialChange, "user", userId,
            new { reason, count = live.Count, prefixes = live.Select(t => t.Prefix).ToList() });
    }

    /// Stores a token whose secret the caller already has (bootstrap) or just generated.
    internal async Task<ManagementToken> AddAsync(string userId, string name, string secret, DateTimeOffset? expiresAt,
        AuditActor actor, AuditEventType type, ManagementTokenKind kind, CancellationToken ct)
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
            Kind = kind,
        };
        db.ManagementTokens.Add(entity);
        await audit.SaveAsync(db, actor, new AuditEntry(type, "management_token", entity.Id.ToString(),
            new { name, prefix = entity.Prefix, expiresAt, userId, kind = kind.ToString() }), ct);
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
