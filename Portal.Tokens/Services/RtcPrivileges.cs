namespace Portal.Tokens.Services;

/// <summary>
/// The RTC privileges to grant, each an expiry in seconds after the issue time (TOKENS.md §1.6);
/// null leaves the privilege out. Roles follow Agora's RtcTokenBuilder2 (TOKENS.md §1.8).
/// </summary>
/// <param name="Join">joinChannel (id 1).</param>
/// <param name="PublishAudio">publishAudioStream (id 2).</param>
/// <param name="PublishVideo">publishVideoStream (id 3).</param>
/// <param name="PublishData">publishDataStream (id 4).</param>
public readonly record struct RtcPrivileges(uint? Join, uint? PublishAudio = null, uint? PublishVideo = null, uint? PublishData = null)
{
    /// <summary>Publisher: join and publish audio, video and data, all with the same expiry.</summary>
    public static RtcPrivileges Publisher(uint privilegeExpire) => new(privilegeExpire, privilegeExpire, privilegeExpire, privilegeExpire);

    /// <summary>Subscriber: join only.</summary>
    public static RtcPrivileges Subscriber(uint privilegeExpire) => new(privilegeExpire);

    /// <summary>The privileges of <paramref name="role"/>.</summary>
    public static RtcPrivileges ForRole(RtcRole role, uint privilegeExpire) => role switch
    {
        RtcRole.Publisher => Publisher(privilegeExpire),
        RtcRole.Subscriber => Subscriber(privilegeExpire),
        _ => throw new TokenInputError(TokenInputCodes.RoleInvalid, "The RTC role must be publisher (1) or subscriber (2).", "role").ToException(),
    };

    /// <summary>All four privileges with their own expiries (Agora's "...AndPrivilege" builders), even when 0.</summary>
    public static RtcPrivileges Each(uint join, uint publishAudio, uint publishVideo, uint publishData) =>
        new(join, publishAudio, publishVideo, publishData);

    /// <summary>The privileges as a sorted map.</summary>
    public PrivilegeMap ToMap()
    {
        Span<(ushort, uint)> items = stackalloc (ushort, uint)[4];
        var n = 0;
        if (Join is { } j) { items[n++] = ((ushort)RtcPrivilege.JoinChannel, j); }
        if (PublishAudio is { } a) { items[n++] = ((ushort)RtcPrivilege.PublishAudioStream, a); }
        if (PublishVideo is { } v) { items[n++] = ((ushort)RtcPrivilege.PublishVideoStream, v); }
        if (PublishData is { } d) { items[n++] = ((ushort)RtcPrivilege.PublishDataStream, d); }
        return PrivilegeMap.Of(items[..n]);
    }
}

/// <summary>RTC role of AccessToken2 builders (TOKENS.md §1.8).</summary>
public enum RtcRole
{
    /// <summary>Join and publish audio, video and data.</summary>
    Publisher = 1,
    /// <summary>Join only.</summary>
    Subscriber = 2,
}
