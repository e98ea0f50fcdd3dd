namespace Portal.Tokens.Legacy;

/// <summary>Privilege ids of AccessToken 006 (TOKENS.md §2).</summary>
public enum Privilege006 : ushort
{
    /// <summary>kJoinChannel.</summary>
    JoinChannel = 1,
    /// <summary>kPublishAudioStream.</summary>
    PublishAudioStream = 2,
    /// <summary>kPublishVideoStream.</summary>
    PublishVideoStream = 3,
    /// <summary>kPublishDataStream.</summary>
    PublishDataStream = 4,
    /// <summary>kPublishAudiocdn.</summary>
    PublishAudioCdn = 5,
    /// <summary>kPublishVideoCdn.</summary>
    PublishVideoCdn = 6,
    /// <summary>kRequestPublishAudioStream.</summary>
    RequestPublishAudioStream = 7,
    /// <summary>kRequestPublishVideoStream.</summary>
    RequestPublishVideoStream = 8,
    /// <summary>kRequestPublishDataStream.</summary>
    RequestPublishDataStream = 9,
    /// <summary>kInvitePublishAudioStream.</summary>
    InvitePublishAudioStream = 10,
    /// <summary>kInvitePublishVideoStream.</summary>
    InvitePublishVideoStream = 11,
    /// <summary>kInvitePublishDataStream.</summary>
    InvitePublishDataStream = 12,
    /// <summary>kAdministrateChannel.</summary>
    AdministrateChannel = 101,
    /// <summary>kRtmLogin.</summary>
    RtmLogin = 1000,
}

/// <summary>Roles of the 006 RtcTokenBuilder (TOKENS.md §2).</summary>
public enum RtcRole006
{
    /// <summary>Join and publish audio, video and data.</summary>
    Attendee = 0,
    /// <summary>Join and publish audio, video and data.</summary>
    Publisher = 1,
    /// <summary>Join only.</summary>
    Subscriber = 2,
    /// <summary>Join and publish audio, video and data.</summary>
    Admin = 101,
}
