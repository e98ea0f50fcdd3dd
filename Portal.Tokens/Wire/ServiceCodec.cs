using Portal.Tokens.Services;

namespace Portal.Tokens.Wire;

/// Packs and unpacks service bodies (TOKENS.md §1.3 table).
internal static class ServiceCodec
{
    public static int Size(TokenService service) => 2 + PackWriter.PrivilegesSize(service.Privileges) + service switch
    {
        RtcService s => PackWriter.StringSize(s.ChannelName) + PackWriter.StringSize(s.Uid),
        RtmService s => PackWriter.StringSize(s.UserId),
        StreamingService s => PackWriter.StringSize(s.ChannelName) + PackWriter.StringSize(s.Account),
        FpaService => 0,
        ChatService s => PackWriter.StringSize(s.UserId),
        FcdnService s => PackWriter.StringSize(s.ChannelName) + PackWriter.StringSize(s.Account),
        ApaasService s => PackWriter.StringSize(s.RoomUuid) + PackWriter.StringSize(s.UserUuid) + 2,
        Rtm2Service s => PackWriter.StringSize(s.UserId) + PermissionsSize(s.Permissions),
        _ => throw new InvalidOperationException("Unsupported services are refused when added."),
    };

    public static void Write(ref PackWriter w, TokenService service)
    {
        w.U16(service.TypeId);
        w.Privileges(service.Privileges);
        switch (service)
        {
            case RtcService s:
                w.String(s.ChannelName);
                w.String(s.Uid);
                break;
            case RtmService s:
                w.String(s.UserId);
                break;
            case StreamingService s:
                w.String(s.ChannelName);
                w.String(s.Account);
                break;
            case ChatService s:
                w.String(s.UserId);
                break;
            case FcdnService s:
                w.String(s.ChannelName);
                w.String(s.Account);
                break;
            case ApaasService s:
                w.String(s.RoomUuid);
                w.String(s.UserUuid);
                w.I16(s.Role);
                break;
            case Rtm2Service s:
                w.String(s.UserId);
                WritePermissions(ref w, s.Permissions);
                break;
        }
    }

    /// Reads one service after its type id. Returns null for an unknown type (the reader is untouched).
    public static TokenService? Read(ref PackReader r, ushort type)
    {
        if (type is 0 or > (ushort)ServiceType.Rtm2)
        {
            return null;
        }

        var privileges = r.Privileges();
        return (ServiceType)type switch
        {
            ServiceType.Rtc => new RtcService(r.String(), r.String(), privileges),
            ServiceType.Rtm => new RtmService(r.String(), privileges),
            ServiceType.Streaming => new StreamingService(r.String(), r.String(), privileges),
            ServiceType.Fpa => new FpaService(privileges),
            ServiceType.Chat => new ChatService(r.String(), privileges),
            ServiceType.Fcdn => new FcdnService(r.String(), r.String(), privileges),
            ServiceType.Apaas => new ApaasService(r.String(), r.String(), r.I16(), privileges),
            _ => new Rtm2Service(r.String(), ReadPermissions(ref r), privileges),
        };
    }

    private static int PermissionsSize(Rtm2Permissions permissions)
    {
        var size = 2;
        foreach (var g in permissions.Groups)
        {
            size += 4;
            foreach (var p in g.Permissions)
            {
                size += 4;
                foreach (var name in p.Resources)
                {
                    size += PackWriter.StringSize(name);
                }
            }
        }

        return size;
    }

    private static void WritePermissions(ref PackWriter w, Rtm2Permissions permissions)
    {
        w.U16((ushort)permissions.Groups.Count);
        foreach (var g in permissions.Groups)
        {
            w.U16(g.ResourceType);
            w.U16((ushort)g.Permissions.Count);
            foreach (var p in g.Permissions)
            {
                w.U16(p.PermissionType);
                w.U16((ushort)p.Resources.Count);
                foreach (var name in p.Resources)
                {
                    w.String(name);
                }
            }
        }
    }

    private static Rtm2Permissions ReadPermissions(ref PackReader r)
    {
        int groupCount = r.U16();
        if (!r.Ensure(4 * groupCount))
        {
            return Rtm2Permissions.Empty;
        }

        var groups = new Rtm2Permissions.ResourceGroup[groupCount];
        for (var g = 0; g < groupCount && r.Error is null; g++)
        {
            var resourceType = r.U16();
            int permissionCount = r.U16();
            if (!r.Ensure(4 * permissionCount))
            {
                break;
            }

            var permissions = new Rtm2Permissions.PermissionGroup[permissionCount];
            for (var p = 0; p < permissionCount && r.Error is null; p++)
            {
                var permissionType = r.U16();
                int nameCount = r.U16();
                if (!r.Ensure(2 * nameCount))
                {
                    break;
                }

                var names = new string[nameCount];
                for (var n = 0; n < nameCount; n++)
                {
                    names[n] = r.String();
                }

                permissions[p] = new(permissionType, names);
            }

            groups[g] = new(resourceType, permissions);
        }

        return r.Error is null ? Rtm2Permissions.FromWire(groups) : Rtm2Permissions.Empty;
    }
}
