using System.Security.Cryptography;
using System.Text;
using Portal.Tokens.Services;

namespace Portal.Tokens.Builders;

/// <summary>Agora's RtmTokenBuilder2 (TOKENS.md §1.9).</summary>
public static class RtmTokenBuilder
{
    /// <summary>RTM(userId) with login = <paramref name="expire"/>; token lifetime = <paramref name="expire"/>.</summary>
    public static string Build(string appId, string certificate, uint issueTs, uint salt, string userId, uint expire) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, expire).WithRtm(userId, expire).Build();

    /// <summary>RTM2(userId, permissions) with login = <paramref name="expire"/> (an interface that needs Agora's assistance).</summary>
    public static string BuildWithPermissions(string appId, string certificate, uint issueTs, uint salt, string userId, Rtm2Permissions permissions, uint expire) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, expire).WithRtm2(userId, permissions, expire).Build();
}

/// <summary>Agora's ChatTokenBuilder2 (TOKENS.md §1.9).</summary>
public static class ChatTokenBuilder
{
    /// <summary>Chat(userId) with the user privilege = <paramref name="expire"/>.</summary>
    public static string BuildUser(string appId, string certificate, uint issueTs, uint salt, string userId, uint expire)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateChatUserId(userId));
        return AccessToken2.Create(appId, certificate, issueTs, salt, expire).WithChatUser(userId, expire).Build();
    }

    /// <summary>Chat("") with the app privilege = <paramref name="expire"/>.</summary>
    public static string BuildApp(string appId, string certificate, uint issueTs, uint salt, uint expire) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, expire).WithChatApp(expire).Build();
}

/// <summary>Agora's FpaTokenBuilder2 (TOKENS.md §1.9).</summary>
public static class FpaTokenBuilder
{
    /// <summary>Token lifetime fixed at 86400 s; FPA login = 0 (bounded by the token).</summary>
    public static string Build(string appId, string certificate, uint issueTs, uint salt) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, TokenInputRules.MaxExpireSeconds).WithFpa(0).Build();
}

/// <summary>Agora's EducationTokenBuilder2 / ApaasTokenBuilder (TOKENS.md §1.9).</summary>
public static class EducationTokenBuilder
{
    /// <summary>
    /// APaaS(room, user, role) with roomUser = expire, RTM(userUuid) login = expire and
    /// Chat(md5-hex(userUuid)) user = expire. (npm agora-token 2.0.6 omits roomUser; every other port adds it.)
    /// </summary>
    public static string BuildRoomUser(string appId, string certificate, uint issueTs, uint salt, string roomUuid, string userUuid, short role, uint expire)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateRtmUserId(userUuid, "userUuid"));
        var chatUserId = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(userUuid)));
        return AccessToken2.Create(appId, certificate, issueTs, salt, expire)
            .WithService(new ApaasService(roomUuid, userUuid, role, PrivilegeMap.Of(((ushort)ApaasPrivilege.RoomUser, expire))))
            .WithRtm(userUuid, expire)
            .WithChatUser(chatUserId, expire)
            .Build();
    }

    /// <summary>APaaS("", userUuid, -1) with the user privilege = <paramref name="expire"/>.</summary>
    public static string BuildUser(string appId, string certificate, uint issueTs, uint salt, string userUuid, uint expire)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateRtmUserId(userUuid, "userUuid"));
        return AccessToken2.Create(appId, certificate, issueTs, salt, expire)
            .WithService(new ApaasService("", userUuid, -1, PrivilegeMap.Of(((ushort)ApaasPrivilege.User, expire))))
            .Build();
    }

    /// <summary>APaaS("", "", -1) with the app privilege = <paramref name="expire"/>.</summary>
    public static string BuildApp(string appId, string certificate, uint issueTs, uint salt, uint expire) =>
        AccessToken2.Create(appId, certificate, issueTs, salt, expire)
            .WithService(new ApaasService("", "", -1, PrivilegeMap.Of(((ushort)ApaasPrivilege.App, expire))))
            .Build();
}
