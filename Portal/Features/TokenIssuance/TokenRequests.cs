using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Features.TokenIssuance;

/// Numbers are `long?` so that -1, 2^32 and the like reach the validation (and its precise code) instead of
/// failing JSON binding.
public sealed record RtcTokenRequest(string? Channel, long? Uid, string? Account, string? Role, long? ExpireSeconds,
    long? PrivilegeExpireSeconds, RtcPrivilegeRequest? Privileges, string? RtmUserId, string? Format);

public sealed record RtcPrivilegeRequest(long? Join, long? PublishAudio, long? PublishVideo, long? PublishData);

public sealed record RtmTokenRequest(string? UserId, long? ExpireSeconds, string? Format);

public sealed record ChatTokenRequest(string? UserId, long? ExpireSeconds);

/// `uid` may be a number or the uid text as signed (an account).
public sealed record VerifyTokenRequest(string? Token, string? Channel, JsonElement? Uid);

public sealed record TokenResponse(
    string Token, string Format, string AppId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, DateTimeOffset RenewAfter,
    long ExpireSeconds, bool Clamped,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Service = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Channel = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Uid = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Account = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RtmUserId = null);

public sealed record VerifyTokenResponse(bool Valid, IReadOnlyList<string> Reasons, string? AppId, DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt, IReadOnlyList<string> Services, VerifiedCertificate? Certificate);

public sealed record VerifiedCertificate(Guid Id, string State);
