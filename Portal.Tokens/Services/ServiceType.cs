namespace Portal.Tokens.Services;

/// <summary>AccessToken2 service types (TOKENS.md §1.3).</summary>
public enum ServiceType : ushort
{
    /// <summary>Real-time communication: channel name and uid.</summary>
    Rtc = 1,
    /// <summary>Real-time messaging (Signaling): user id.</summary>
    Rtm = 2,
    /// <summary>Streaming: channel name and account.</summary>
    Streaming = 3,
    /// <summary>Full-path acceleration: no body.</summary>
    Fpa = 4,
    /// <summary>Chat: user id (empty for an app token).</summary>
    Chat = 5,
    /// <summary>Fusion CDN: channel name and account.</summary>
    Fcdn = 6,
    /// <summary>APaaS / Flexible Classroom (Education): room uuid, user uuid, role.</summary>
    Apaas = 7,
    /// <summary>RTM with resource permissions.</summary>
    Rtm2 = 8,
}

/// <summary>RTC privilege ids.</summary>
public enum RtcPrivilege : ushort
{
    /// <summary>Join the channel.</summary>
    JoinChannel = 1,
    /// <summary>Publish audio.</summary>
    PublishAudioStream = 2,
    /// <summary>Publish video.</summary>
    PublishVideoStream = 3,
    /// <summary>Publish data streams.</summary>
    PublishDataStream = 4,
}

/// <summary>Login privilege id of RTM, RTM2 and FPA.</summary>
public enum LoginPrivilege : ushort
{
    /// <summary>Log in.</summary>
    Login = 1,
}

/// <summary>Streaming privilege ids.</summary>
public enum StreamingPrivilege : ushort
{
    /// <summary>Publish a mixed stream.</summary>
    PublishMixStream = 1,
    /// <summary>Publish a raw stream.</summary>
    PublishRawStream = 2,
}

/// <summary>Chat privilege ids.</summary>
public enum ChatPrivilege : ushort
{
    /// <summary>User token.</summary>
    User = 1,
    /// <summary>App token.</summary>
    App = 2,
}

/// <summary>Fusion CDN privilege ids.</summary>
public enum FcdnPrivilege : ushort
{
    /// <summary>Publish.</summary>
    Publish = 1,
    /// <summary>Play.</summary>
    Play = 2,
}

/// <summary>APaaS / Education privilege ids.</summary>
public enum ApaasPrivilege : ushort
{
    /// <summary>A user in a room.</summary>
    RoomUser = 1,
    /// <summary>A user.</summary>
    User = 2,
    /// <summary>The app.</summary>
    App = 3,
}

/// <summary>RTM2 resource types (TOKENS.md §1.3, service 8).</summary>
public enum Rtm2ResourceType : ushort
{
    /// <summary>Message channels.</summary>
    MessageChannel = 0,
    /// <summary>Stream channels.</summary>
    StreamChannel = 1,
    /// <summary>Group channels.</summary>
    GroupChannel = 2,
    /// <summary>Server groups.</summary>
    ServerGroup = 3,
    /// <summary>Users.</summary>
    User = 4,
}

/// <summary>RTM2 permission types.</summary>
public enum Rtm2PermissionType : ushort
{
    /// <summary>Read.</summary>
    Read = 0,
    /// <summary>Write.</summary>
    Write = 1,
}
