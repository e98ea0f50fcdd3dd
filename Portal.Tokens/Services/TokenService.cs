namespace Portal.Tokens.Services;

/// <summary>One service of an AccessToken2 (TOKENS.md §1.3): a type, privileges and a type-specific body.</summary>
/// <param name="Privileges">Privilege id to expiry in seconds relative to the issue time (TOKENS.md §1.6).</param>
public abstract record TokenService(PrivilegeMap Privileges)
{
    /// <summary>The wire type id (1..8 for the known services).</summary>
    public abstract ushort TypeId { get; }

    /// <summary>Lower-case name used in JSON: rtc, rtm, streaming, fpa, chat, fcdn, apaas, rtm2 or unknown.</summary>
    public abstract string Name { get; }
}

/// <summary>RTC (type 1).</summary>
/// <param name="ChannelName">Channel name.</param>
/// <param name="Uid">The uid as written: decimal text of an int uid, "" for the uid-0 wildcard, or the user account.</param>
/// <param name="Privileges">See <see cref="RtcPrivilege"/>.</param>
public sealed record RtcService(string ChannelName, string Uid, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Rtc;
    /// <inheritdoc />
    public override string Name => "rtc";
}

/// <summary>RTM / Signaling (type 2).</summary>
/// <param name="UserId">RTM user id.</param>
/// <param name="Privileges">See <see cref="LoginPrivilege"/>.</param>
public sealed record RtmService(string UserId, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Rtm;
    /// <inheritdoc />
    public override string Name => "rtm";
}

/// <summary>Streaming (type 3).</summary>
/// <param name="ChannelName">Channel name.</param>
/// <param name="Account">Account text ("" for the uid-0 wildcard).</param>
/// <param name="Privileges">See <see cref="StreamingPrivilege"/>.</param>
public sealed record StreamingService(string ChannelName, string Account, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Streaming;
    /// <inheritdoc />
    public override string Name => "streaming";
}

/// <summary>FPA (type 4): no body.</summary>
/// <param name="Privileges">See <see cref="LoginPrivilege"/>.</param>
public sealed record FpaService(PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Fpa;
    /// <inheritdoc />
    public override string Name => "fpa";
}

/// <summary>Chat (type 5).</summary>
/// <param name="UserId">Chat user id; "" for an app token.</param>
/// <param name="Privileges">See <see cref="ChatPrivilege"/>.</param>
public sealed record ChatService(string UserId, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Chat;
    /// <inheritdoc />
    public override string Name => "chat";
}

/// <summary>Fusion CDN (type 6).</summary>
/// <param name="ChannelName">Channel name.</param>
/// <param name="Account">Account text ("" for the uid-0 wildcard).</param>
/// <param name="Privileges">See <see cref="FcdnPrivilege"/>.</param>
public sealed record FcdnService(string ChannelName, string Account, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Fcdn;
    /// <inheritdoc />
    public override string Name => "fcdn";
}

/// <summary>APaaS / Education (type 7).</summary>
/// <param name="RoomUuid">Room uuid ("" outside a room).</param>
/// <param name="UserUuid">User uuid ("" for an app token).</param>
/// <param name="Role">Role, a signed 16-bit value (-1 when not applicable).</param>
/// <param name="Privileges">See <see cref="ApaasPrivilege"/>.</param>
public sealed record ApaasService(string RoomUuid, string UserUuid, short Role, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Apaas;
    /// <inheritdoc />
    public override string Name => "apaas";
}

/// <summary>RTM with resource permissions (type 8).</summary>
/// <param name="UserId">RTM user id.</param>
/// <param name="Permissions">Resource permissions.</param>
/// <param name="Privileges">See <see cref="LoginPrivilege"/>.</param>
public sealed record Rtm2Service(string UserId, Rtm2Permissions Permissions, PrivilegeMap Privileges) : TokenService(Privileges)
{
    /// <inheritdoc />
    public override ushort TypeId => (ushort)ServiceType.Rtm2;
    /// <inheritdoc />
    public override string Name => "rtm2";
}

/// <summary>
/// A service type this engine does not know. Its body length is unknown, so parsing stops here
/// (as Agora's parsers do, TOKENS.md §1.11 step 4) and the rest of the content is left unread.
/// The signature still covers those bytes. Builders refuse this type.
/// </summary>
/// <param name="Type">The wire type id.</param>
/// <param name="UnparsedBytes">How many content bytes follow the type id and were not interpreted.</param>
public sealed record UnknownService(ushort Type, int UnparsedBytes) : TokenService(PrivilegeMap.Empty)
{
    /// <inheritdoc />
    public override ushort TypeId => Type;
    /// <inheritdoc />
    public override string Name => "unknown";
}
