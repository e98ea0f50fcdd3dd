using System.Text.Json;
using Portal.Api;

namespace Portal.Features.TokenExchange;

/// The body of an exchange: like the v1 RTC/RTM/Chat requests, but without an identity, which comes only from the
/// validated token. `uid`, `account`, `userId` and `rtmUserId` are read only to refuse them clearly.
public sealed record ExchangeRequest(string? Service, string? Channel, string? Role, long? ExpireSeconds, string? Format,
    JsonElement? Uid, JsonElement? Account, JsonElement? UserId, JsonElement? RtmUserId)
{
    public static ValueTask<ExchangeRequest?> BindAsync(HttpContext http) => JsonBody.ReadAsync<ExchangeRequest>(http);
}
