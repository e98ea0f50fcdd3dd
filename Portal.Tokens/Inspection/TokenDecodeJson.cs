using System.Globalization;
using System.Text;
using System.Text.Json;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Tokens.Inspection;

/// <summary>
/// Renders a parsed token as JSON in the shape of the <c>inputs</c> of the raw007/raw006 test
/// vectors, plus <c>version</c>. 007: <c>appId, issueTs, salt, expire, services</c>, each service
/// with <c>type</c> (rtc, rtm, streaming, fpa, chat, fcdn, apaas, rtm2, or unknown with
/// <c>typeId</c> and <c>unparsedBytes</c>), its body fields and <c>privileges</c> keyed by id.
/// The RTC uid is rendered as the text the token carries ("" for the wildcard, "2882341273" for
/// an int uid), because the wire cannot tell an int uid from the same account text.
/// 006: <c>appId, salt, ts, crcChannelName, crcUid, privileges</c> (channel and uid are not in the token).
/// </summary>
public static class TokenDecodeJson
{
    /// <summary>Parses <paramref name="token"/> and renders it; throws <see cref="TokenFormatException"/> if it is malformed.</summary>
    public static string Decode(string token, bool indented = true) => Render(TokenParser.Parse(token), indented);

    /// <summary>Renders an already parsed token.</summary>
    public static string Render(ParsedToken token, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(w, token);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the JSON object of <paramref name="token"/> to <paramref name="w"/>.</summary>
    public static void Write(Utf8JsonWriter w, ParsedToken token)
    {
        w.WriteStartObject();
        w.WriteString("version", token.Version);
        w.WriteString("appId", token.AppId);
        switch (token)
        {
            case ParsedAccessToken2 t:
                w.WriteNumber("issueTs", t.IssueTs);
                w.WriteNumber("salt", t.Salt);
                w.WriteNumber("expire", t.Expire);
                w.WriteStartArray("services");
                foreach (var s in t.Services)
                {
                    WriteService(w, s);
                }

                w.WriteEndArray();
                break;
            case ParsedAccessToken006 t:
                w.WriteNumber("salt", t.Salt);
                w.WriteNumber("ts", t.Ts);
                w.WriteNumber("crcChannelName", t.CrcChannelName);
                w.WriteNumber("crcUid", t.CrcUid);
                WritePrivileges(w, t.Privileges);
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteService(Utf8JsonWriter w, TokenService service)
    {
        w.WriteStartObject();
        w.WriteString("type", service.Name);
        switch (service)
        {
            case RtcService s:
                w.WriteString("channelName", s.ChannelName);
                w.WriteString("uid", s.Uid);
                break;
            case RtmService s:
                w.WriteString("userId", s.UserId);
                break;
            case StreamingService s:
                w.WriteString("channelName", s.ChannelName);
                w.WriteString("account", s.Account);
                break;
            case ChatService s:
                w.WriteString("userId", s.UserId);
                break;
            case FcdnService s:
                w.WriteString("channelName", s.ChannelName);
                w.WriteString("account", s.Account);
                break;
            case ApaasService s:
                w.WriteString("roomUuid", s.RoomUuid);
                w.WriteString("userUuid", s.UserUuid);
                w.WriteNumber("role", s.Role);
                break;
            case Rtm2Service s:
                w.WriteString("userId", s.UserId);
                break;
            case UnknownService s:
                w.WriteNumber("typeId", s.Type);
                w.WriteNumber("unparsedBytes", s.UnparsedBytes);
                break;
        }

        if (service is not UnknownService)
        {
            WritePrivileges(w, service.Privileges);
        }

        if (service is Rtm2Service rtm2)
        {
            w.WriteStartArray("permissions");
            foreach (var p in rtm2.Permissions.Flatten())
            {
                w.WriteStartObject();
                w.WriteNumber("resourceType", p.ResourceType);
                w.WriteNumber("permissionType", p.PermissionType);
                w.WriteStartArray("resources");
                foreach (var name in p.Resources)
                {
                    w.WriteStringValue(name);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WritePrivileges(Utf8JsonWriter w, PrivilegeMap privileges)
    {
        w.WriteStartObject("privileges");
        foreach (var (id, expire) in privileges)
        {
            w.WriteNumber(id.ToString(CultureInfo.InvariantCulture), expire);
        }

        w.WriteEndObject();
    }
}
