namespace Portal.Tokens.Legacy;

/// <summary>
/// Agora's 006 RtcTokenBuilder (TOKENS.md §2). The message timestamp and privilege times are
/// absolute; use <see cref="AccessToken006.MessageTsFor"/> and <see cref="AccessToken006.ExpiryFor"/>
/// to derive them from an issue time.
/// </summary>
public static class RtcTokenBuilder006
{
    /// <summary>RTC 006 for an int uid (0 = any uid, signed as "").</summary>
    public static string BuildWithUid(string appId, string certificate, uint salt, uint messageTs,
        string channelName, uint uid, RtcRole006 role, uint privilegeExpiredTs) =>
        Build(appId, certificate, salt, messageTs, channelName, AccessToken2.UidText(uid), role, privilegeExpiredTs);

    /// <summary>RTC 006 for a user account ("0" stays "0").</summary>
    public static string BuildWithUserAccount(string appId, string certificate, uint salt, uint messageTs,
        string channelName, string account, RtcRole006 role, uint privilegeExpiredTs)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateUserAccount(account));
        return Build(appId, certificate, salt, messageTs, channelName, account, role, privilegeExpiredTs);
    }

    private static string Build(string appId, string certificate, uint salt, uint messageTs,
        string channelName, string uid, RtcRole006 role, uint privilegeExpiredTs)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateChannelName(channelName));
        if (!Enum.IsDefined(role))
        {
            throw new TokenInputError(TokenInputCodes.RoleInvalid, "The 006 RTC role must be attendee (0), publisher (1), subscriber (2) or admin (101).", "role").ToException();
        }

        var builder = AccessToken006.Create(appId, certificate, channelName, uid, salt, messageTs)
            .WithPrivilege(Privilege006.JoinChannel, privilegeExpiredTs);
        if (role != RtcRole006.Subscriber)
        {
            builder.WithPrivilege(Privilege006.PublishAudioStream, privilegeExpiredTs)
                .WithPrivilege(Privilege006.PublishVideoStream, privilegeExpiredTs)
                .WithPrivilege(Privilege006.PublishDataStream, privilegeExpiredTs);
        }

        return builder.Build();
    }
}

/// <summary>Agora's 006 RtmTokenBuilder: the channel slot holds the user id and the uid is "" (TOKENS.md §2, [I332]).</summary>
public static class RtmTokenBuilder006
{
    /// <summary>RTM 006 login (privilege 1000) for <paramref name="userId"/>.</summary>
    public static string Build(string appId, string certificate, uint salt, uint messageTs, string userId, uint privilegeExpiredTs)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateRtmUserId(userId));
        return AccessToken006.Create(appId, certificate, userId, "", salt, messageTs)
            .WithPrivilege(Privilege006.RtmLogin, privilegeExpiredTs)
            .Build();
    }
}
