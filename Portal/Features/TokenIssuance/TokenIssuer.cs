using Portal.Common;
using Portal.Data.ApiKeys;
using Portal.Tokens;
using Portal.Tokens.Builders;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Features.TokenIssuance;

/// Builds tokens for an authenticated key: policy first, then the engine with the Active certificate, the
/// clock's time and a cryptographically random salt. Shared by the v1 API and the drop-in routes.
public sealed class TokenIssuer(IssuanceCounter counter, TimeProvider clock)
{
    public Result<TokenResponse> Rtc(KeySnapshot key, RtcTokenRequest r) => Count(key, "rtc", r, static (self, key, r) =>
    {
        var p = key.Project.Policy;
        var (legacy, formatError) = PolicyGate.Format(r.Format);
        if (formatError is not null) return formatError;
        if (PolicyGate.Service(p, "rtc", legacy) is { } serviceError) return serviceError;
        if (r.RtmUserId is not null)
        {
            if (legacy) return ServiceError.Validation("format_conflict", "`rtmUserId` needs a 007 token; 006 cannot carry RTM and RTC together.", "rtmUserId");
            if (!key.Scopes.HasFlag(ApiKeyScopes.Rtm)) return ServiceError.Forbidden("scope_missing", "`rtmUserId` needs a key with the `rtm` scope.");
            if (PolicyGate.Service(p, "rtm", false) is { } rtmError) return rtmError;
            if (TokenInputRules.ValidateRtmUserId(r.RtmUserId, "rtmUserId") is { } bad) return ServiceError.Validation(bad.Code, bad.Message, "rtmUserId");
        }
        if (PolicyGate.Channel(key.Project, key, r.Channel) is { } channelError) return channelError;
        if (PolicyGate.Subject(p, r.Uid, r.Account) is { } subjectError) return subjectError;
        if (RevokedRtc(key, r) is { } revoked) return revoked;
        var (seconds, clamped, lifetimeError) = PolicyGate.Lifetime(p, r.ExpireSeconds);
        if (lifetimeError is not null) return lifetimeError;

        RtcRole? role = null;
        RtcPrivileges privileges;
        if (r.Privileges is { } each)
        {
            if (legacy) return ServiceError.Validation("format_conflict", "Per-privilege expiries need a 007 token; for 006 send `role`.", "privileges");
            if (r.Role is not null || r.PrivilegeExpireSeconds is not null)
                return ServiceError.Validation("privileges_conflict", "Send either `role` (with `privilegeExpireSeconds`) or `privileges`, not both.", "privileges");
            // Exactly what was asked: a publish privilege left out of the request is left out of the token (a 0 would
            // read as "no separate limit", i.e. granted for the token's lifetime).
            var (join, e1) = PolicyGate.PrivilegeSeconds(each.Join, seconds, "privileges.join");
            var (audio, e2) = PolicyGate.OptionalPrivilegeSeconds(each.PublishAudio, seconds, "privileges.publishAudio");
            var (video, e3) = PolicyGate.OptionalPrivilegeSeconds(each.PublishVideo, seconds, "privileges.publishVideo");
            var (data, e4) = PolicyGate.OptionalPrivilegeSeconds(each.PublishData, seconds, "privileges.publishData");
            if ((e1 ?? e2 ?? e3 ?? e4) is { } privilegeError) return privilegeError;
            var publishes = audio is not null || video is not null || data is not null;
            if (!(publishes ? p.AllowPublisher : p.AllowSubscriber))
                return ServiceError.Forbidden("role_not_allowed", $"This project's policy does not allow the {(publishes ? "publisher" : "subscriber")} role.");
            privileges = new RtcPrivileges(join, audio, video, data);
        }
        else
        {
            var (resolved, roleError) = PolicyGate.Role(p, r.Role);
            if (roleError is not null) return roleError;
            var (privilegeSeconds, privilegeError) = PolicyGate.PrivilegeSeconds(r.PrivilegeExpireSeconds, seconds, "privilegeExpireSeconds");
            if (privilegeError is not null) return privilegeError;
            role = resolved;
            privileges = RtcPrivileges.ForRole(resolved, privilegeSeconds);
        }
        if (key.Project.Active is not { } certificate) return NoCertificate();

        var (issuedAt, issueTs, salt) = self.Stamp();
        var uid = (uint)(r.Uid ?? 0);
        string token;
        if (legacy)
        {
            var role006 = role == RtcRole.Subscriber ? RtcRole006.Subscriber : RtcRole006.Publisher;
            var privilegeTs = AccessToken006.ExpiryFor(issueTs, privileges.Join ?? seconds);
            token = r.Account is { } account006
                ? RtcTokenBuilder006.BuildWithUserAccount(key.Project.AppId, certificate.Secret, salt, AccessToken006.MessageTsFor(issueTs), r.Channel!, account006, role006, privilegeTs)
                : RtcTokenBuilder006.BuildWithUid(key.Project.AppId, certificate.Secret, salt, AccessToken006.MessageTsFor(issueTs), r.Channel!, uid, role006, privilegeTs);
        }
        else
        {
            var builder = AccessToken2.Create(key.Project.AppId, certificate.Secret, issueTs, salt, seconds);
            builder = r.Account is { } account ? builder.WithRtc(r.Channel!, account, privileges) : builder.WithRtc(r.Channel!, uid, privileges);
            if (r.RtmUserId is not null) builder = builder.WithRtm(r.RtmUserId, seconds);
            token = builder.Build();
        }
        return Response(key, token, legacy, issuedAt, seconds, clamped, "rtc", channel: r.Channel, uid: r.Account is null ? uid : null,
            account: r.Account, role: RoleName(role), rtmUserId: r.RtmUserId);
    });

    public Result<TokenResponse> Rtm(KeySnapshot key, RtmTokenRequest r) => Count(key, "rtm", r, static (self, key, r) =>
    {
        var p = key.Project.Policy;
        var (legacy, formatError) = PolicyGate.Format(r.Format);
        if (formatError is not null) return formatError;
        if (PolicyGate.Service(p, "rtm", legacy) is { } serviceError) return serviceError;
        if (TokenInputRules.ValidateRtmUserId(r.UserId) is { } bad) return ServiceError.Validation(bad.Code, bad.Message, "userId");
        if (Revoked(key, r.UserId) is { } revoked) return revoked;
        var (seconds, clamped, lifetimeError) = PolicyGate.Lifetime(p, r.ExpireSeconds);
        if (lifetimeError is not null) return lifetimeError;
        if (key.Project.Active is not { } certificate) return NoCertificate();
        var (issuedAt, issueTs, salt) = self.Stamp();
        var token = legacy
            ? RtmTokenBuilder006.Build(key.Project.AppId, certificate.Secret, salt, AccessToken006.MessageTsFor(issueTs), r.UserId!, AccessToken006.ExpiryFor(issueTs, seconds))
            : RtmTokenBuilder.Build(key.Project.AppId, certificate.Secret, issueTs, salt, r.UserId!, seconds);
        return Response(key, token, legacy, issuedAt, seconds, clamped, "rtm", userId: r.UserId);
    });

    public Result<TokenResponse> Chat(KeySnapshot key, ChatTokenRequest r) => Count(key, "chat", r, static (self, key, r) =>
    {
        var p = key.Project.Policy;
        if (PolicyGate.Service(p, "chat", false) is { } serviceError) return serviceError;
        if (r.UserId is not null && TokenInputRules.ValidateChatUserId(r.UserId) is { } bad) return ServiceError.Validation(bad.Code, bad.Message, "userId");
        if (r.UserId is null && PolicyGate.ChatApp(key) is { } appError) return appError;
        if (Revoked(key, r.UserId) is { } revoked) return revoked;
        var (seconds, clamped, lifetimeError) = PolicyGate.Lifetime(p, r.ExpireSeconds);
        if (lifetimeError is not null) return lifetimeError;
        if (key.Project.Active is not { } certificate) return NoCertificate();
        var (issuedAt, issueTs, salt) = self.Stamp();
        var token = r.UserId is null
            ? ChatTokenBuilder.BuildApp(key.Project.AppId, certificate.Secret, issueTs, salt, seconds)
            : ChatTokenBuilder.BuildUser(key.Project.AppId, certificate.Secret, issueTs, salt, r.UserId, seconds);
        return Response(key, token, false, issuedAt, seconds, clamped, "chat", userId: r.UserId);
    });

    /// Issues and counts the outcome. `issue` is a static lambda given its state as arguments: a capturing lambda
    /// would allocate a closure and a delegate on every token request.
    private Result<TokenResponse> Count<TRequest>(KeySnapshot key, string service, TRequest request,
        Func<TokenIssuer, KeySnapshot, TRequest, Result<TokenResponse>> issue)
    {
        Result<TokenResponse> result;
        try { result = issue(this, key, request); }
        catch (TokenInputException ex) { result = ServiceError.Validation(ex.Code, ex.Message, ex.Error.Field); } // the engine's own rules
        counter.Count(key, service, result.Error);
        return result;
    }

    private (DateTimeOffset IssuedAt, uint IssueTs, uint Salt) Stamp()
    {
        var now = clock.GetUtcNow();
        var issueTs = (uint)now.ToUnixTimeSeconds();
        return (DateTimeOffset.FromUnixTimeSeconds(issueTs), issueTs, Salts.Next());
    }

    /// One response object per token (a `with` copy would allocate a second one on every request).
    private static TokenResponse Response(KeySnapshot key, string token, bool legacy, DateTimeOffset issuedAt, uint seconds, bool clamped,
        string service, string? channel = null, long? uid = null, string? account = null, string? role = null, string? userId = null,
        string? rtmUserId = null)
    {
        var expiresAt = issuedAt.AddSeconds(seconds);
        var renewAfter = expiresAt.AddSeconds(-Math.Min(key.Project.Policy.RenewAheadSeconds, seconds));
        return new TokenResponse(token, legacy ? "006" : "007", key.Project.AppId, issuedAt, expiresAt, renewAfter, seconds, clamped,
            service, channel, uid, account, role, userId, rtmUserId);
    }

    private static string RoleName(RtcRole? role) => role switch
    {
        RtcRole.Publisher => "publisher",
        RtcRole.Subscriber => "subscriber",
        null => "custom",
        _ => role.Value.ToString().ToLowerInvariant(),
    };

    /// The RTC subject as a token carries it (an account, or a uid's decimal text), formatted only when the project has
    /// revocations at all: the hot path otherwise allocates nothing for the check.
    private static ServiceError? RevokedRtc(KeySnapshot key, RtcTokenRequest r) => key.Project.Revocations.Subjects.Count == 0 ? null
        : Revoked(key, r.Account ?? (r.Uid is > 0 and var u ? u.ToString(System.Globalization.CultureInfo.InvariantCulture) : null), r.RtmUserId);

    /// A subject whose tokens were revoked gets none: from the cached snapshot, no database visit.
    private static ServiceError? Revoked(KeySnapshot key, string? subject, string? alsoSubject = null) =>
        key.Project.Revocations.IsRevoked(subject) || key.Project.Revocations.IsRevoked(alsoSubject)
            ? ServiceError.Forbidden("token_revoked", "Tokens for this user were revoked by an administrator of this project: ask them to lift the revocation.")
            : null;

    private static ServiceError NoCertificate() => ServiceError.Conflict("no_active_certificate",
        "This project has no active App Certificate: import or generate one on the project's Certificates tab.");
}
