using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Api;

namespace Portal.Features.TokenIssuance;

/// Numbers are `long?` so that -1, 2^32 and the like reach the validation (and its precise code) instead of
/// failing JSON binding. Bodies are read whole by <see cref="JsonBody"/> (the `BindAsync` methods).
public sealed record RtcTokenRequest(string? Channel, long? Uid, string? Account, string? Role, long? ExpireSeconds,
    long? PrivilegeExpireSeconds, RtcPrivilegeRequest? Privileges, string? RtmUserId, string? Format)
{
    public static ValueTask<RtcTokenRequest?> BindAsync(HttpContext http) => JsonBody.ReadAsync<RtcTokenRequest>(http);
}

public sealed record RtcPrivilegeRequest(long? Join, long? PublishAudio, long? PublishVideo, long? PublishData);

public sealed record RtmTokenRequest(string? UserId, long? ExpireSeconds, string? Format)
{
    public static ValueTask<RtmTokenRequest?> BindAsync(HttpContext http) => JsonBody.ReadAsync<RtmTokenRequest>(http);
}

public sealed record ChatTokenRequest(string? UserId, long? ExpireSeconds)
{
    public static ValueTask<ChatTokenRequest?> BindAsync(HttpContext http) => JsonBody.ReadAsync<ChatTokenRequest>(http);
}

/// `uid` may be a number or the uid text as signed (an account).
public sealed record VerifyTokenRequest(string? Token, string? Channel, JsonElement? Uid)
{
    public static ValueTask<VerifyTokenRequest?> BindAsync(HttpContext http) => JsonBody.ReadAsync<VerifyTokenRequest>(http);
}

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
