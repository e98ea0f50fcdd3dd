using System.Text.Json;
using Portal.Tokens.Builders;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Tokens.Tests.Vectors;

/// Calls the convenience builder named by a vector's "builder_equivalent".
internal static class BuilderEquivalents
{
    public static string Build(JsonElement b)
    {
        string appId = b.Str("appId")!, cert = b.Str("appCertificate")!;
        var salt = b.U32("salt");
        return b.Str("kind") switch
        {
            "rtc_uid" => RtcTokenBuilder.BuildWithUid(appId, cert, b.U32("issueTs"), salt, b.Str("channelName")!, b.U32("uid"),
                Role(b), b.U32("tokenExpire"), b.U32("privilegeExpire")),
            "rtm" => RtmTokenBuilder.Build(appId, cert, b.U32("issueTs"), salt, b.Str("userId")!, b.U32("tokenExpire")),
            "chat_user" => ChatTokenBuilder.BuildUser(appId, cert, b.U32("issueTs"), salt, b.Str("userId")!, b.U32("tokenExpire")),
            "chat_app" => ChatTokenBuilder.BuildApp(appId, cert, b.U32("issueTs"), salt, b.U32("tokenExpire")),
            "rtc_rtm2" => RtcTokenBuilder.BuildWithUidAndRtm2(appId, cert, b.U32("issueTs"), salt, b.Str("channelName")!, b.U32("uid"),
                Role(b), b.U32("tokenExpire"), b.U32("joinChannelPrivilegeExpire"), b.U32("pubAudioPrivilegeExpire"),
                b.U32("pubVideoPrivilegeExpire"), b.U32("pubDataStreamPrivilegeExpire"), b.Str("rtmUserId")!, b.U32("rtmTokenExpire")),
            "apaas_user" => EducationTokenBuilder.BuildUser(appId, cert, b.U32("issueTs"), salt, b.Str("userUuid")!, b.U32("tokenExpire")),
            "apaas_app" => EducationTokenBuilder.BuildApp(appId, cert, b.U32("issueTs"), salt, b.U32("tokenExpire")),
            "legacy_rtc_uid" => RtcTokenBuilder006.BuildWithUid(appId, cert, salt, b.U32("ts"), b.Str("channelName")!, b.U32("uid"),
                Role006(b), b.U32("privilegeExpiredTs")),
            "legacy_rtc_account" => RtcTokenBuilder006.BuildWithUserAccount(appId, cert, salt, b.U32("ts"), b.Str("channelName")!, b.Str("account")!,
                Role006(b), b.U32("privilegeExpiredTs")),
            "legacy_rtm" => RtmTokenBuilder006.Build(appId, cert, salt, b.U32("ts"), b.Str("userId")!, b.U32("privilegeExpiredTs")),
            var k => throw new InvalidOperationException($"unexpected builder kind {k}"),
        };
    }

    private static RtcRole Role(JsonElement b) => Enum.Parse<RtcRole>(b.Str("role")!, ignoreCase: true);

    private static RtcRole006 Role006(JsonElement b) => Enum.Parse<RtcRole006>(b.Str("role")!, ignoreCase: true);
}
