using System.Text;

namespace Portal.Tokens;

/// <summary>
/// The input rules of TOKENS.md §1.10 as non-throwing checks. Each method returns null when the
/// value is acceptable, otherwise an error with a stable code that a web layer can turn into a
/// problem response. Builders apply the same rules and throw <see cref="TokenInputException"/>.
/// </summary>
public static class TokenInputRules
{
    /// <summary>Longest token lifetime Agora documents: 24 hours (TOKENS.md §1.6).</summary>
    public const uint MaxExpireSeconds = 86400;

    /// <summary>Largest salt the official builders produce (TOKENS.md §1.7).</summary>
    public const uint MaxSalt = 99_999_999;

    /// <summary>Wire limit of any string: a u16 length prefix (TOKENS.md §1.2).</summary>
    public const int MaxStringBytes = ushort.MaxValue;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    // a-z A-Z 0-9, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , (89 characters).
    private const string ChannelPunctuation = " !#$%&()+-:;<=.>?@[]^_{}|~,";

    /// <summary>App ID: 32 hexadecimal characters, case preserved.</summary>
    public static TokenInputError? ValidateAppId(string? appId) =>
        IsHex32(appId) ? null : new(TokenInputCodes.AppIdInvalid, "The App ID must be 32 hexadecimal characters.", "appId");

    /// <summary>App Certificate: 32 hexadecimal characters. The message never repeats the value.</summary>
    public static TokenInputError? ValidateCertificate(string? certificate) =>
        IsHex32(certificate) ? null : new(TokenInputCodes.CertificateInvalid, "The App Certificate must be 32 hexadecimal characters.", "certificate");

    /// <summary>RTC channel name: 1..63 bytes of Agora's 89-character set.</summary>
    public static TokenInputError? ValidateChannelName(string? channelName, string field = "channelName")
    {
        if (string.IsNullOrEmpty(channelName))
        {
            return new(TokenInputCodes.ChannelEmpty, "The channel name must not be empty.", field);
        }

        if (channelName.Length >= 64)
        {
            return new(TokenInputCodes.ChannelTooLong, "The channel name must be shorter than 64 bytes.", field);
        }

        return IsAgoraText(channelName)
            ? null
            : new(TokenInputCodes.ChannelInvalidCharacter, "The channel name may contain only a-z, A-Z, 0-9, space and !#$%&()+-:;<=.>?@[]^_{}|~,", field);
    }

    /// <summary>Integer uid: 0..4294967295 (0 is the "any uid" wildcard).</summary>
    public static TokenInputError? ValidateUid(long uid) =>
        uid is >= 0 and <= uint.MaxValue ? null : new(TokenInputCodes.UidOutOfRange, "The uid must be between 0 and 4294967295.", "uid");

    /// <summary>Parses a decimal uid (0..4294967295) as a CLI or form would receive it.</summary>
    public static TokenInputError? TryParseUid(string? text, out uint uid)
    {
        uid = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 10 || !text.All(char.IsAsciiDigit) || !ulong.TryParse(text, out var value))
        {
            return new(TokenInputCodes.UidOutOfRange, "The uid must be a decimal number between 0 and 4294967295.", "uid");
        }

        var error = ValidateUid((long)value);
        uid = error is null ? (uint)value : 0;
        return error;
    }

    /// <summary>User account (string uid): 1..255 bytes of the 89-character set. "0" is an account, not the wildcard.</summary>
    public static TokenInputError? ValidateUserAccount(string? account, string field = "account") =>
        !string.IsNullOrEmpty(account) && account.Length <= 255 && IsAgoraText(account)
            ? null
            : new(TokenInputCodes.AccountInvalid, "The user account must be 1 to 255 characters of a-z, A-Z, 0-9, space and !#$%&()+-:;<=.>?@[]^_{}|~,", field);

    /// <summary>RTM user id: 1..64 printable ASCII characters, not starting with a space.</summary>
    public static TokenInputError? ValidateRtmUserId(string? userId, string field = "userId") =>
        !string.IsNullOrEmpty(userId) && userId.Length <= 64 && userId[0] != ' ' && userId.All(c => c is >= ' ' and <= '~')
            ? null
            : new(TokenInputCodes.RtmUserInvalid, "The RTM user id must be 1 to 64 printable ASCII characters and must not start with a space.", field);

    /// <summary>Chat user id: 1..255 UTF-8 bytes without control characters (usually the UUID Chat returns).</summary>
    public static TokenInputError? ValidateChatUserId(string? userId, string field = "userId")
    {
        if (string.IsNullOrEmpty(userId) || userId.Any(char.IsControl) || ValidateText(userId, field) is not null
            || Encoding.UTF8.GetByteCount(userId) > 255)
        {
            return new(TokenInputCodes.ChatUserInvalid, "The Chat user id must be 1 to 255 bytes without control characters.", field);
        }

        return null;
    }

    /// <summary>Token lifetime: 1..86400 seconds.</summary>
    public static TokenInputError? ValidateExpire(long seconds, string field = "expire") =>
        seconds is >= 1 and <= MaxExpireSeconds ? null : new(TokenInputCodes.ExpireOutOfRange, "The token lifetime must be between 1 and 86400 seconds.", field);

    /// <summary>Privilege lifetime: 0 ("bounded by the token") up to the token lifetime.</summary>
    public static TokenInputError? ValidatePrivilegeExpire(long seconds, uint tokenExpire, string field = "privilegeExpire") =>
        seconds >= 0 && seconds <= tokenExpire
            ? null
            : new(TokenInputCodes.PrivilegeExpireOutOfRange, $"A privilege lifetime must be between 0 and the token lifetime ({tokenExpire} s).", field);

    /// <summary>Salt: 1..99999999. The caller draws it from a cryptographic generator; the engine has no randomness.</summary>
    public static TokenInputError? ValidateSalt(long salt) =>
        salt is >= 1 and <= MaxSalt ? null : new(TokenInputCodes.SaltOutOfRange, "The salt must be between 1 and 99999999.", "salt");

    /// <summary>Converts an issue time to unsigned 32-bit Unix seconds, or reports that it does not fit.</summary>
    public static TokenInputError? TryGetIssueTs(DateTimeOffset issuedAt, out uint issueTs)
    {
        var seconds = issuedAt.ToUnixTimeSeconds();
        issueTs = seconds is >= 0 and <= uint.MaxValue ? (uint)seconds : 0;
        return seconds is >= 0 and <= uint.MaxValue
            ? null
            : new(TokenInputCodes.IssueTsOutOfRange, "The issue time must be between 1970-01-01 and 2106-02-07 (unsigned 32-bit Unix seconds).", "issuedAt");
    }

    /// <summary>Any text field: valid Unicode and at most 65535 UTF-8 bytes.</summary>
    public static TokenInputError? ValidateText(string? value, string field)
    {
        if (value is null)
        {
            return new(TokenInputCodes.ValueMissing, $"{field} must not be null.", field);
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            return new(TokenInputCodes.TextInvalid, $"{field} is not valid Unicode text.", field);
        }

        return bytes <= MaxStringBytes ? null : new(TokenInputCodes.StringTooLong, $"{field} must be at most 65535 UTF-8 bytes.", field);
    }

    internal static void ThrowIf(TokenInputError? error)
    {
        if (error is not null)
        {
            throw error.ToException();
        }
    }

    private static bool IsHex32(string? s) => s is { Length: 32 } && s.All(char.IsAsciiHexDigit);

    private static bool IsAgoraText(string s) =>
        s.All(c => char.IsAsciiLetterOrDigit(c) || ChannelPunctuation.Contains(c));
}
