namespace Portal.Tokens;

/// <summary>Stable codes of <see cref="TokenInputError"/>: why builder input was refused (TOKENS.md §1.10).</summary>
public static class TokenInputCodes
{
    /// <summary>App ID is not 32 hexadecimal characters.</summary>
    public const string AppIdInvalid = "app_id_invalid";
    /// <summary>App Certificate is not 32 hexadecimal characters.</summary>
    public const string CertificateInvalid = "certificate_invalid";
    /// <summary>Channel name is empty.</summary>
    public const string ChannelEmpty = "channel_empty";
    /// <summary>Channel name is 64 bytes or longer.</summary>
    public const string ChannelTooLong = "channel_too_long";
    /// <summary>Channel name has a character outside Agora's 89-character set.</summary>
    public const string ChannelInvalidCharacter = "channel_invalid_character";
    /// <summary>Integer uid is outside 0..4294967295.</summary>
    public const string UidOutOfRange = "uid_out_of_range";
    /// <summary>User account is empty, longer than 255 bytes or has a character outside the 89-character set.</summary>
    public const string AccountInvalid = "account_invalid";
    /// <summary>RTM user id is empty, longer than 64 characters, not printable ASCII, or starts with a space.</summary>
    public const string RtmUserInvalid = "rtm_user_invalid";
    /// <summary>Chat user id is empty, longer than 255 bytes or contains control characters.</summary>
    public const string ChatUserInvalid = "chat_user_invalid";
    /// <summary>Token lifetime is outside 1..86400 seconds.</summary>
    public const string ExpireOutOfRange = "expire_out_of_range";
    /// <summary>A privilege lifetime exceeds the token lifetime.</summary>
    public const string PrivilegeExpireOutOfRange = "privilege_expire_out_of_range";
    /// <summary>A privilege id is not defined for the service type.</summary>
    public const string PrivilegeUnknown = "privilege_unknown";
    /// <summary>Salt is outside 1..99999999.</summary>
    public const string SaltOutOfRange = "salt_out_of_range";
    /// <summary>Issue time is not representable as unsigned 32-bit Unix seconds (or a derived 006 time overflows).</summary>
    public const string IssueTsOutOfRange = "issue_ts_out_of_range";
    /// <summary>A text field is not valid Unicode (an unpaired surrogate cannot be written as UTF-8).</summary>
    public const string TextInvalid = "text_invalid";
    /// <summary>A text field is longer than the wire format's 65535 bytes.</summary>
    public const string StringTooLong = "string_too_long";
    /// <summary>The token has no service.</summary>
    public const string NoServices = "no_services";
    /// <summary>The service cannot be built (unknown service type) or there are more than 65535 services.</summary>
    public const string ServiceUnsupported = "service_unsupported";
    /// <summary>The token content would exceed the 64 KiB that the parser accepts.</summary>
    public const string TokenTooLarge = "token_too_large";
    /// <summary>A role value is not defined.</summary>
    public const string RoleInvalid = "role_invalid";
    /// <summary>A required argument is null.</summary>
    public const string ValueMissing = "value_missing";
}
