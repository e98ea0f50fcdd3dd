using Portal.Data.ApiKeys;
using Portal.Data.Projects;

namespace Portal.Features.TokenIssuance;

/// What the token API needs about a project, read once and cached: policy, App ID and decrypted certificates.
public sealed record ProjectSnapshot(
    Guid OrganizationId, Guid ProjectId, string AppId, bool ProjectActive, bool OrganizationActive, TokenPolicy Policy,
    string[] PolicyPrefixes, CertificateSnapshot? Active, IReadOnlyList<CertificateSnapshot> Previous)
{
    /// The project's active token revocations, cached with it (a revocation bumps the cache stamp).
    public RevocationSnapshot Revocations { get; init; } = RevocationSnapshot.None;
}

/// Revoked subjects (a uid's decimal text or an account: a token carries either as the same text) and the latest
/// "every token issued up to" cut-off, Unix seconds.
public sealed record RevocationSnapshot(IReadOnlySet<string> Subjects, long? IssuedUpTo)
{
    public static readonly RevocationSnapshot None = new(new HashSet<string>(), null);

    public bool IsRevoked(string? subject) => subject is { Length: > 0 } && Subjects.Contains(subject);

    /// A token issued at or before the cut-off second is revoked (the safe side of a same-second issue).
    public bool IsRevokedAt(long issueTs) => IssuedUpTo is { } cut && issueTs <= cut;
}

public sealed record CertificateSnapshot(Guid Id, CertificateState State, string Secret, DateTimeOffset? GraceUntil);

/// An API key as the hot path sees it. Held in memory only; the secret itself is never stored, only its hash.
public sealed record KeySnapshot(
    Guid Id, ApiKeyKind Kind, ApiKeyScopes Scopes, string[] AllowedOrigins, string[] ChannelPrefixes, int RateLimitPerMinute,
    DateTimeOffset? ExpiresAt, bool Revoked, ProjectSnapshot Project);
