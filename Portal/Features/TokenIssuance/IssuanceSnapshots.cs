using Portal.Data.ApiKeys;
using Portal.Data.Projects;

namespace Portal.Features.TokenIssuance;

/// What the token API needs about a project, read once and cached: policy, App ID and decrypted certificates.
public sealed record ProjectSnapshot(
    Guid OrganizationId, Guid ProjectId, string AppId, bool ProjectActive, bool OrganizationActive, TokenPolicy Policy,
    string[] PolicyPrefixes, CertificateSnapshot? Active, IReadOnlyList<CertificateSnapshot> Previous);

public sealed record CertificateSnapshot(Guid Id, CertificateState State, string Secret, DateTimeOffset? GraceUntil);

/// An API key as the hot path sees it. Held in memory only; the secret itself is never stored, only its hash.
public sealed record KeySnapshot(
    Guid Id, ApiKeyKind Kind, ApiKeyScopes Scopes, string[] AllowedOrigins, string[] ChannelPrefixes, int RateLimitPerMinute,
    DateTimeOffset? ExpiresAt, bool Revoked, ProjectSnapshot Project);
