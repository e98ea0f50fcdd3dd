namespace Portal.Features.AgoraOps;

/// Whether a project receives NCS events, where Agora must send them, and which secret it holds (fingerprint only).
public sealed record NcsSettingsDto(Guid ProjectId, bool Configured, string WebhookPath, string? SecretFingerprint, DateTimeOffset? UpdatedAt,
    DateTimeOffset? LastEventAt);

public sealed record SetNcsSecret(string? Secret);

public sealed record ChannelUserDto(long Uid, string Role, DateTimeOffset? JoinedAt);

public sealed record ChannelDto(string Channel, int Broadcasters, int Audience, IReadOnlyList<ChannelUserDto> Users);

/// What became of one NCS request.
public enum NcsOutcome { Applied, Duplicate, Ignored, SignatureInvalid, Malformed, Conflict }
