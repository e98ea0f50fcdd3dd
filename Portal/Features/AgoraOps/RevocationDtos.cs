namespace Portal.Features.AgoraOps;

/// Revoke one subject's tokens (Uid or Account), or with AllIssuedBefore every token of the project issued up to now.
public sealed record RevokeTokens(long? Uid, string? Account, bool AllIssuedBefore);

/// A revocation with who did it and when, and the kicking-rule placed for its uid (if the project has an Agora account).
public sealed record RevocationDto(Guid Id, Guid ProjectId, string? Subject, DateTimeOffset? IssuedBefore, DateTimeOffset RevokedAt,
    string RevokedBy, DateTimeOffset? LiftedAt, string? LiftedBy, bool Active, Guid? BanId, string? BanStatus, long? AgoraRuleId, string? Note);
