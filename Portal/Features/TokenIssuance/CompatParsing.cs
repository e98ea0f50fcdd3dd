using Portal.Common;
using Portal.Tokens;

namespace Portal.Features.TokenIssuance;

/// The path and query conventions of the token servers the drop-in routes imitate.
internal static class CompatParsing
{
    /// The tutorial's `expiredTs`: a lifetime in seconds, or from 1,000,000,000 on an absolute Unix time.
    public static (long? Seconds, ServiceError? Error) ExpiredTs(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(value)) return (null, null);
        if (!long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return (null, ServiceError.Validation("expire_out_of_range", "`expiredTs` must be a number: a lifetime in seconds, or an absolute Unix time.", "expiredTs"));
        if (number < 1_000_000_000) return (number, null);
        var seconds = number - now.ToUnixTimeSeconds();
        return seconds <= 0
            ? (null, ServiceError.Validation("expire_in_past", "`expiredTs` is an absolute Unix time in the past: send a future time or a lifetime in seconds.", "expiredTs"))
            : (seconds, null);
    }

    public static (long? Value, ServiceError? Error) Uid(string? text, string field)
    {
        if (string.IsNullOrEmpty(text)) return (0, null);
        return TokenInputRules.TryParseUid(text, out var uid) is { } bad
            ? (null, ServiceError.Validation(bad.Code, bad.Message, field))
            : (uid, null);
    }

    /// `/rtc/{channel}/{role}/{tokentype}/{uid}` as in Agora's Node and Go token servers.
    public static Result<TokenResponse> Rtc(TokenIssuer issuer, KeySnapshot key, string? channel, string role, string tokentype, string uid,
        long? expiry, string? format)
    {
        if (role is not ("publisher" or "subscriber" or "audience"))
            return ServiceError.Validation("role_invalid", "The role must be publisher, subscriber or audience.", "role");
        if (tokentype == "userAccount") return issuer.Rtc(key, new RtcTokenRequest(channel, null, uid, role, expiry, null, null, null, format));
        if (tokentype != "uid") return ServiceError.Validation("token_type_invalid", "The token type must be uid or userAccount.", "tokentype");
        var (parsed, error) = Uid(uid, "uid");
        return error ?? issuer.Rtc(key, new RtcTokenRequest(channel, parsed, null, role, expiry, null, null, null, format));
    }
}
