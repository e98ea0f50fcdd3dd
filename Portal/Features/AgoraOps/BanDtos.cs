namespace Portal.Features.AgoraOps;

/// A kick or ban request. Kind: `kick` (out now, may rejoin), `ban_join` (cannot join for Minutes),
/// `ban_audio` / `ban_video` (cannot publish for Minutes). Uid or Ip is required; Channel narrows it to one channel.
public sealed record CreateBan(string? Kind, string? Channel, long? Uid, string? Ip, int? Minutes);

/// A kick or ban and what Agora made of it. Status: pending (waiting for Agora or a retry), active, done (a kick),
/// expired (its minutes are over), failed (LastError says why; retry possible), lifted.
public sealed record BanDto(Guid Id, Guid ProjectId, string Kind, string? Channel, long? Uid, string? Ip, int Minutes, string Status,
    long? AgoraRuleId, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? ConfirmedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LiftedAt);
