using System.Buffers;
using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens;

/// <summary>
/// Collects the services of one AccessToken2 and builds the token string. Every argument is
/// checked when it is added (TOKENS.md §1.10); bad input throws <see cref="TokenInputException"/>,
/// never yields an empty string. Services are packed sorted by type (stable) and privileges by id
/// (TOKENS.md §1.5). Not thread-safe; create one builder per token.
/// </summary>
public sealed class AccessToken2Builder
{
    private readonly List<TokenService> _services = new(2);

    internal AccessToken2Builder(string appId, string certificate, uint issueTs, uint salt, uint expire)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateAppId(appId));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateCertificate(certificate));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateSalt(salt));
        TokenInputRules.ThrowIf(TokenInputRules.ValidateExpire(expire));
        AppId = appId;
        Certificate = certificate;
        IssueTs = issueTs;
        Salt = salt;
        Expire = expire;
    }

    /// <summary>App ID.</summary>
    public string AppId { get; }

    /// <summary>Issue time, Unix seconds.</summary>
    public uint IssueTs { get; }

    /// <summary>Salt.</summary>
    public uint Salt { get; }

    /// <summary>Token lifetime in seconds.</summary>
    public uint Expire { get; }

    /// <summary>Services added so far, in the order added.</summary>
    public IReadOnlyList<TokenService> Services => _services;

    private string Certificate { get; }

    /// <summary>Adds RTC for an int uid (0 = any uid, written as "").</summary>
    public AccessToken2Builder WithRtc(string channelName, uint uid, RtcPrivileges privileges) =>
        WithService(new RtcService(channelName, AccessToken2.UidText(uid), privileges.ToMap()));

    /// <summary>Adds RTC for a user account (string uid; "0" stays "0").</summary>
    public AccessToken2Builder WithRtc(string channelName, string account, RtcPrivileges privileges)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateUserAccount(account));
        return WithService(new RtcService(channelName, account, privileges.ToMap()));
    }

    /// <summary>Adds RTM login for <paramref name="userId"/>.</summary>
    public AccessToken2Builder WithRtm(string userId, uint loginExpire) =>
        WithService(new RtmService(userId, PrivilegeMap.Of(((ushort)LoginPrivilege.Login, loginExpire))));

    /// <summary>Adds RTM2 (RTM with resource permissions) for <paramref name="userId"/>.</summary>
    public AccessToken2Builder WithRtm2(string userId, Rtm2Permissions permissions, uint loginExpire) =>
        WithService(new Rtm2Service(userId, permissions, PrivilegeMap.Of(((ushort)LoginPrivilege.Login, loginExpire))));

    /// <summary>Adds a Chat user privilege for <paramref name="userId"/>.</summary>
    public AccessToken2Builder WithChatUser(string userId, uint expire) =>
        WithService(new ChatService(userId, PrivilegeMap.Of(((ushort)ChatPrivilege.User, expire))));

    /// <summary>Adds a Chat app privilege (empty user id).</summary>
    public AccessToken2Builder WithChatApp(uint expire) =>
        WithService(new ChatService("", PrivilegeMap.Of(((ushort)ChatPrivilege.App, expire))));

    /// <summary>Adds FPA login.</summary>
    public AccessToken2Builder WithFpa(uint loginExpire) =>
        WithService(new FpaService(PrivilegeMap.Of(((ushort)LoginPrivilege.Login, loginExpire))));

    /// <summary>Adds any service of types 1-8 (repeats allowed, TOKENS.md §1.5). Validates it against TOKENS.md §1.10.</summary>
    public AccessToken2Builder WithService(TokenService service)
    {
        TokenInputRules.ThrowIf(ServiceRules.Validate(service, Expire));
        if (_services.Count == ushort.MaxValue)
        {
            throw new TokenInputError(TokenInputCodes.ServiceUnsupported, "A token holds at most 65535 services.", "service").ToException();
        }

        _services.Add(service);
        return this;
    }

    /// <summary>Builds the token string: "007" + Base64(zlib(content)).</summary>
    public string Build()
    {
        var services = PackingOrder(out var length);
        if (length <= 1024)
        {
            Span<byte> content = stackalloc byte[length];
            AccessToken2Codec.WriteContent(content, AppId, Certificate, IssueTs, Expire, Salt, services);
            return AccessToken2Codec.Encode(content);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var content = rented.AsSpan(0, length);
            AccessToken2Codec.WriteContent(content, AppId, Certificate, IssueTs, Expire, Salt, services);
            return AccessToken2Codec.Encode(content);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The inflated content (signature and signing info) that <see cref="Build"/> compresses; for tests and inspection.</summary>
    public byte[] BuildContent()
    {
        var services = PackingOrder(out var length);
        var content = new byte[length];
        AccessToken2Codec.WriteContent(content, AppId, Certificate, IssueTs, Expire, Salt, services);
        return content;
    }

    /// Services sorted by type, stable for repeats (TOKENS.md §1.5); checks size and emptiness.
    private IReadOnlyList<TokenService> PackingOrder(out int length)
    {
        if (_services.Count == 0)
        {
            throw new TokenInputError(TokenInputCodes.NoServices, "Add at least one service before building a token.").ToException();
        }

        IReadOnlyList<TokenService> ordered = _services;
        for (var i = 1; i < _services.Count; i++)
        {
            if (_services[i].TypeId < _services[i - 1].TypeId)
            {
                ordered = _services.OrderBy(s => s.TypeId).ToArray(); // OrderBy is stable
                break;
            }
        }

        length = AccessToken2Codec.ContentLength(AppId, ordered);
        if (length > AccessToken2Codec.MaxContentLength)
        {
            throw new TokenInputError(TokenInputCodes.TokenTooLarge, "The token content would exceed 64 KiB.").ToException();
        }

        return ordered;
    }
}
