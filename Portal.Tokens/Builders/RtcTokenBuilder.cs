using Portal.Tokens.Services;

namespace Portal.Tokens.Builders;

/// <summary>
/// Agora's RtcTokenBuilder2 semantics (TOKENS.md §1.9) with the issue time and salt as arguments.
/// Expiries are seconds after <c>issueTs</c>. Invalid input throws <see cref="TokenInputException"/>.
/// </summary>
public static class RtcTokenBuilder
{
    /// <summary>RTC for an int uid (0 = any uid); publisher gets join + publish audio/video/data, subscriber join only, all = <paramref name="privilegeExpire"/>.</summary>
    public static string BuildWithUid(string appId, string certificate, uint issueTs, uint salt,
        string channelName, uint uid, RtcRole role, uint tokenExpire, uint privilegeExpire = 0) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, tokenExpire)
            .WithRtc(channelName, uid, RtcPrivileges.ForRole(role, privilegeExpire))
            .Build();

    /// <summary>RTC for a user account (string uid; "0" is an account, not the wildcard).</summary>
    public static string BuildWithUserAccount(string appId, string certificate, uint issueTs, uint salt,
        string channelName, string account, RtcRole role, uint tokenExpire, uint privilegeExpire = 0) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, tokenExpire)
            .WithRtc(channelName, account, RtcPrivileges.ForRole(role, privilegeExpire))
            .Build();

    /// <summary>RTC with all four privileges, each with its own expiry (even 0); no role.</summary>
    public static string BuildWithUidAndPrivileges(string appId, string certificate, uint issueTs, uint salt,
        string channelName, uint uid, uint tokenExpire, uint joinChannel, uint publishAudio, uint publishVideo, uint publishData) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, tokenExpire)
            .WithRtc(channelName, uid, RtcPrivileges.Each(joinChannel, publishAudio, publishVideo, publishData))
            .Build();

    /// <summary>RTC for a user account with all four privileges, each with its own expiry.</summary>
    public static string BuildWithUserAccountAndPrivileges(string appId, string certificate, uint issueTs, uint salt,
        string channelName, string account, uint tokenExpire, uint joinChannel, uint publishAudio, uint publishVideo, uint publishData) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, tokenExpire)
            .WithRtc(channelName, account, RtcPrivileges.Each(joinChannel, publishAudio, publishVideo, publishData))
            .Build();

    /// <summary>
    /// Agora's <c>buildTokenWithRtm</c>: RTC(channel, account) by role with <paramref name="privilegeExpire"/>,
    /// plus RTM(account) whose login lasts <paramref name="tokenExpire"/> (not privilegeExpire).
    /// </summary>
    public static string BuildWithRtm(string appId, string certificate, uint issueTs, uint salt,
        string channelName, string account, RtcRole role, uint tokenExpire, uint privilegeExpire = 0) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, tokenExpire)
            .WithRtc(channelName, account, RtcPrivileges.ForRole(role, privilegeExpire))
            .WithRtm(account, tokenExpire)
            .Build();

    /// <summary>
    /// Agora's <c>buildTokenWithRtm2</c>: RTC(channel, account) with join, and for a publisher also audio,
    /// video and data with their own expiries; plus RTM(<paramref name="rtmUserId"/>) with login = <paramref name="rtmTokenExpire"/>.
    /// The token lifetime is <paramref name="rtcTokenExpire"/>.
    /// </summary>
    public static string BuildWithRtm2(string appId, string certificate, uint issueTs, uint salt,
        string channelName, string rtcAccount, RtcRole role, uint rtcTokenExpire,
        uint joinChannel, uint publishAudio, uint publishVideo, uint publishData, string rtmUserId, uint rtmTokenExpire)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateUserAccount(rtcAccount, "rtcAccount"));
        return Rtm2Token(appId, certificate, issueTs, salt, channelName, rtcAccount, role, rtcTokenExpire,
            joinChannel, publishAudio, publishVideo, publishData, rtmUserId, rtmTokenExpire);
    }

    /// <summary><see cref="BuildWithRtm2"/> for an int uid (0 = any uid).</summary>
    public static string BuildWithUidAndRtm2(string appId, string certificate, uint issueTs, uint salt,
        string channelName, uint uid, RtcRole role, uint rtcTokenExpire,
        uint joinChannel, uint publishAudio, uint publishVideo, uint publishData, string rtmUserId, uint rtmTokenExpire) =>
        Rtm2Token(appId, certificate, issueTs, salt, channelName, AccessToken2.UidText(uid), role, rtcTokenExpire,
            joinChannel, publishAudio, publishVideo, publishData, rtmUserId, rtmTokenExpire);

    private static string Rtm2Token(string appId, string certificate, uint issueTs, uint salt,
        string channelName, string uidText, RtcRole role, uint rtcTokenExpire,
        uint joinChannel, uint publishAudio, uint publishVideo, uint publishData, string rtmUserId, uint rtmTokenExpire)
    {
        var privileges = role switch
        {
            RtcRole.Publisher => RtcPrivileges.Each(joinChannel, publishAudio, publishVideo, publishData),
            RtcRole.Subscriber => RtcPrivileges.Subscriber(joinChannel),
            _ => RtcPrivileges.ForRole(role, 0), // throws role_invalid
        };
        return AccessToken2.Create(appId, certificate, issueTs, salt, rtcTokenExpire)
            .WithService(new RtcService(channelName, uidText, privileges.ToMap()))
            .WithRtm(rtmUserId, rtmTokenExpire)
            .Build();
    }
}
