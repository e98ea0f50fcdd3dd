using System.Diagnostics.CodeAnalysis;
using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens.Legacy;

/// <summary>
/// Legacy AccessToken ("006"): <c>"006" + app_id + Base64(content)</c>, not compressed (TOKENS.md §2).
/// The channel name and uid are signed but stored only as CRC-32s, so verifying needs them again.
/// Its times are absolute Unix seconds, unlike 007.
/// </summary>
public static class AccessToken006
{
    /// <summary>The version prefix.</summary>
    public const string Version = "006";

    /// <summary>Seconds between issue time and the message timestamp that every port writes (TOKENS.md §2).</summary>
    public const uint MessageTsOffset = 86400;

    /// <summary>
    /// Starts a 006 token. <paramref name="uid"/> is the uid text as signed ("" for the uid-0 wildcard,
    /// see <see cref="AccessToken2.UidText"/>); <paramref name="messageTs"/> is absolute (ports use now + 24 h).
    /// </summary>
    public static AccessToken006Builder Create(string appId, string certificate, string channelName, string uid, uint salt, uint messageTs) =>
        new(appId, certificate, channelName, uid, salt, messageTs);

    /// <summary>The message timestamp ports write for a token issued at <paramref name="issueTs"/>: issue time + 86400.</summary>
    public static uint MessageTsFor(uint issueTs) => AddSeconds(issueTs, MessageTsOffset);

    /// <summary>An absolute privilege expiry <paramref name="seconds"/> after <paramref name="issueTs"/> (0 stays 0: never expires).</summary>
    public static uint ExpiryFor(uint issueTs, uint seconds) => seconds == 0 ? 0 : AddSeconds(issueTs, seconds);

    /// <summary>Parses a 006 token strictly. Throws <see cref="TokenFormatException"/>, never anything else, for malformed input.</summary>
    public static ParsedAccessToken006 Parse(string token) =>
        TryParse(token, out var parsed, out var error) ? parsed : throw error.ToException();

    /// <summary>Parses a 006 token strictly; on failure <paramref name="error"/> holds a stable code.</summary>
    public static bool TryParse(string? token, [NotNullWhen(true)] out ParsedAccessToken006? parsed, [NotNullWhen(false)] out TokenFormatError? error)
    {
        parsed = null;
        error = TokenPrefix.Check(token, Version) ?? AccessToken006Codec.TryRead(token!, out parsed);
        return error is null;
    }

    private static uint AddSeconds(uint ts, uint seconds)
    {
        var sum = (ulong)ts + seconds;
        return sum <= uint.MaxValue
            ? (uint)sum
            : throw new TokenInputError(TokenInputCodes.IssueTsOutOfRange, "The 006 time would not fit unsigned 32-bit Unix seconds.", "issuedAt").ToException();
    }
}

/// <summary>Collects 006 privileges (absolute expiry timestamps) and builds the token string.</summary>
public sealed class AccessToken006Builder
{
    private readonly List<(ushort Id, uint ExpiredTs)> _privileges = new(4);

    internal AccessToken006Builder(string appId, string certificate, string channelName, string uid, uint salt, uint messageTs)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateAppId(appId));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateCertificate(certificate));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateText(channelName, "channelName"));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateText(uid, "uid"));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateSalt(salt));
        AppId = appId;
        Certificate = certificate;
        ChannelName = channelName;
        Uid = uid;
        Salt = salt;
        MessageTs = messageTs;
    }

    /// <summary>App ID.</summary>
    public string AppId { get; }

    /// <summary>Channel name (for RTM: the user id).</summary>
    public string ChannelName { get; }

    /// <summary>Uid text ("" for the wildcard and for RTM).</summary>
    public string Uid { get; }

    /// <summary>Salt.</summary>
    public uint Salt { get; }

    /// <summary>Message timestamp, absolute Unix seconds.</summary>
    public uint MessageTs { get; }

    private string Certificate { get; }

    /// <summary>Adds (or replaces) a privilege with an absolute expiry (0 = never).</summary>
    public AccessToken006Builder WithPrivilege(Privilege006 privilege, uint expiredTs)
    {
        if (!Enum.IsDefined(privilege))
        {
            throw new TokenInputError(TokenInputCodes.PrivilegeUnknown, $"Privilege {(ushort)privilege} is not defined for 006 tokens.", "privilege").ToException();
        }

        _privileges.Add(((ushort)privilege, expiredTs));
        return this;
    }

    /// <summary>Builds "006" + App ID + Base64(content). Throws when no privilege was added.</summary>
    public string Build()
    {
        if (_privileges.Count == 0)
        {
            throw new TokenInputError(TokenInputCodes.NoServices, "Add at least one privilege before building a 006 token.").ToException();
        }

        return AccessToken006Codec.Build(AppId, Certificate, ChannelName, Uid, Salt, MessageTs, PrivilegeMap.Of(_privileges.ToArray()));
    }
}
