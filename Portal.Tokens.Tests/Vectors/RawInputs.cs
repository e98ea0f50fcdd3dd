using System.Text.Json;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Tokens.Tests.Vectors;

/// Turns the "inputs" of raw007/raw006 vectors into engine calls.
internal static class RawInputs
{
    public static AccessToken2Builder Builder007(JsonElement inputs)
    {
        var builder = AccessToken2.Create(inputs.Str("appId")!, inputs.Str("appCertificate")!,
            inputs.U32("issueTs"), inputs.U32("salt"), inputs.U32("expire"));
        foreach (var s in inputs.GetProperty("services").EnumerateArray())
        {
            builder.WithService(Service(s));
        }

        return builder;
    }

    public static TokenService Service(JsonElement s)
    {
        var privileges = Privileges(s.GetProperty("privileges"));
        return s.Str("type") switch
        {
            "rtc" => new RtcService(s.Str("channelName")!, UidOrAccount(s), privileges),
            "rtm" => new RtmService(s.Str("userId")!, privileges),
            "streaming" => new StreamingService(s.Str("channelName")!, UidOrAccount(s), privileges),
            "fpa" => new FpaService(privileges),
            "chat" => new ChatService(s.Str("userId") ?? "", privileges),
            "fcdn" => new FcdnService(s.Str("channelName")!, UidOrAccount(s), privileges),
            "apaas" => new ApaasService(s.Str("roomUuid") ?? "", s.Str("userUuid") ?? "", s.GetProperty("role").GetInt16(), privileges),
            "rtm2" => new Rtm2Service(s.Str("userId")!, Permissions(s.GetProperty("permissions")), privileges),
            var t => throw new InvalidOperationException($"unexpected service type {t}"),
        };
    }

    /// The uid text the wire carries: int uid n -> "n", 0 -> "", string account verbatim.
    public static string UidOrAccount(JsonElement s) =>
        s.TryGetProperty("uid", out var uid) && uid.ValueKind == JsonValueKind.Number
            ? AccessToken2.UidText(uid.GetUInt32())
            : s.Str("account") ?? s.Str("uid") ?? "";

    public static PrivilegeMap Privileges(JsonElement p) =>
        PrivilegeMap.Of(p.EnumerateObject().Select(x => (ushort.Parse(x.Name), x.Value.GetUInt32())).ToArray());

    public static Rtm2Permissions Permissions(JsonElement p) =>
        Rtm2Permissions.Create(p.EnumerateArray().Select(x => new Rtm2Permission(
            x.GetProperty("resourceType").GetUInt16(), x.GetProperty("permissionType").GetUInt16(),
            x.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!).ToArray())));

    public static string Build006(JsonElement inputs)
    {
        var builder = AccessToken006.Create(inputs.Str("appId")!, inputs.Str("appCertificate")!,
            inputs.Str("channelName")!, UidOrAccount(inputs), inputs.U32("salt"), inputs.U32("ts"));
        foreach (var p in inputs.GetProperty("privileges").EnumerateObject())
        {
            builder.WithPrivilege((Privilege006)ushort.Parse(p.Name), p.Value.GetUInt32());
        }

        return builder.Build();
    }
}
