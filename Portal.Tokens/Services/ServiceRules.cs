namespace Portal.Tokens.Services;

/// <summary>Checks one service against TOKENS.md §1.10 before it is packed.</summary>
internal static class ServiceRules
{
    public static TokenInputError? Validate(TokenService? service, uint tokenExpire)
    {
        if (service is null)
        {
            return new(TokenInputCodes.ValueMissing, "The service must not be null.", "service");
        }

        if (service.Privileges is null)
        {
            return new(TokenInputCodes.ValueMissing, "The privileges must not be null.", "privileges");
        }

        var maxId = MaxPrivilegeId(service);
        if (maxId == 0)
        {
            return new(TokenInputCodes.ServiceUnsupported, $"Service type {service.TypeId} cannot be built.", "service");
        }

        foreach (var (id, expire) in service.Privileges)
        {
            if (id < 1 || id > maxId)
            {
                return new(TokenInputCodes.PrivilegeUnknown, $"Privilege {id} is not defined for the {service.Name} service.", "privileges");
            }

            if (TokenInputRules.ValidatePrivilegeExpire(expire, tokenExpire, "privileges") is { } error)
            {
                return error;
            }
        }

        return service switch
        {
            RtcService s => TokenInputRules.ValidateChannelName(s.ChannelName) ?? AccountOrWildcard(s.Uid, "uid"),
            RtmService s => TokenInputRules.ValidateRtmUserId(s.UserId),
            StreamingService s => TokenInputRules.ValidateChannelName(s.ChannelName) ?? AccountOrWildcard(s.Account, "account"),
            FcdnService s => TokenInputRules.ValidateChannelName(s.ChannelName) ?? AccountOrWildcard(s.Account, "account"),
            ChatService s => s.UserId == "" ? null : TokenInputRules.ValidateChatUserId(s.UserId),
            ApaasService s => TokenInputRules.ValidateText(s.RoomUuid, "roomUuid") ?? TokenInputRules.ValidateText(s.UserUuid, "userUuid"),
            Rtm2Service s => TokenInputRules.ValidateRtmUserId(s.UserId) ?? ValidatePermissions(s.Permissions),
            _ => null,
        };
    }

    private static ushort MaxPrivilegeId(TokenService service) => service switch
    {
        RtcService => 4,
        RtmService or FpaService or Rtm2Service => 1,
        StreamingService or ChatService or FcdnService => 2,
        ApaasService => 3,
        _ => 0,
    };

    // "" is the uid-0 wildcard; anything else must be a valid user account (an int uid's text is one).
    private static TokenInputError? AccountOrWildcard(string? value, string field) =>
        value == "" ? null : TokenInputRules.ValidateUserAccount(value, field);

    private static TokenInputError? ValidatePermissions(Rtm2Permissions? permissions)
    {
        if (permissions is null)
        {
            return new(TokenInputCodes.ValueMissing, "The RTM permissions must not be null.", "permissions");
        }

        if (permissions.Groups.Count > ushort.MaxValue)
        {
            return new(TokenInputCodes.StringTooLong, "At most 65535 resource types.", "permissions");
        }

        foreach (var g in permissions.Groups)
        {
            if (g.Permissions.Count > ushort.MaxValue)
            {
                return new(TokenInputCodes.StringTooLong, "At most 65535 permission types per resource type.", "permissions");
            }

            foreach (var p in g.Permissions)
            {
                if (p.Resources.Count > ushort.MaxValue)
                {
                    return new(TokenInputCodes.StringTooLong, "At most 65535 resources per permission.", "permissions");
                }

                foreach (var name in p.Resources)
                {
                    if (TokenInputRules.ValidateText(name, "permissions") is { } error)
                    {
                        return error;
                    }
                }
            }
        }

        return null;
    }
}
