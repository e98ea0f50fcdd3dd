using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Portal.Common;
using Portal.Data.Audit;
using Portal.Features.Audit;
using Portal.Features.TokenIssuance;

namespace Portal.Features.TokenExchange;

/// An identity provider's token in, an Agora token out: the provider's token is validated, the identity is taken
/// from it, the provider's required claims and the first matching rule decide what may be asked, and the token is
/// built by the token API's own issuer, so the project's policy caps everything as for any key.
public sealed class TokenExchanger(ExchangeDirectory directory, IdTokenValidator validator, TokenIssuer issuer, IssuanceCounter counter,
    RateLimits limits, AuditThrottle auditThrottle, UidRegistry uids, TimeProvider clock)
{
    /// Refusals are recorded at most this often per provider and code (then counted into the next row).
    public const int RefusalsAuditedPerMinute = 1;

    private readonly ConcurrentDictionary<(Guid, string), byte> _seenToday = new();
    private DateOnly _today;

    public async Task<Result<TokenResponse>> ExchangeAsync(HttpContext http, Guid projectId, ExchangeRequest request, AuditActor actor)
    {
        var ct = http.RequestAborted;
        var service = request.Service?.Trim().ToLowerInvariant() ?? "rtc";
        if (service is not ("rtc" or "rtm" or "chat"))
            return ServiceError.Validation("service_invalid", "The service must be rtc, rtm or chat.", "service");
        if (request.Uid is not null || request.Account is not null || request.UserId is not null || request.RtmUserId is not null)
            return ServiceError.Validation("identity_from_token",
                "The identity comes from the identity token only: leave out uid, account, userId and rtmUserId.", "uid");

        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
            return new ServiceError(401, "id_token_missing", "Send the identity provider's token as `Authorization: Bearer <ID or access token>`.");
        var token = authorization[7..].Trim();

        var project = await directory.FindAsync(projectId, ct);
        if (project is null) return ServiceError.NotFound("project with identity providers");
        if (PolicyGate.ProjectState(project.Project) is { } disabled) return disabled;

        var validated = await validator.ValidateAsync(project.Providers, token, ct);
        if (!validated.Ok)
        {
            // Counted against the provider the token names (unverified), or the project's only one; else nothing to count on.
            var named = IdTokenValidator.UnverifiedIssuer(token) is { } iss ? project.Providers.FirstOrDefault(p => p.Issuer == iss) : null;
            if ((named ?? (project.Providers.Count == 1 ? project.Providers[0] : null)) is { } counted)
                await RefusedAsync(counted, service, validated.Error, actor, ct);
            return validated.Error;
        }
        var provider = validated.Value.Provider;
        var claims = validated.Value.Claims;
        var refusal = Check(http, provider, claims, service, request, out var identity, out var match);
        if (refusal is not null)
        {
            await RefusedAsync(provider, service, refusal, actor, ct);
            return refusal;
        }

        if (await uids.ClaimAsync(provider, identity!, ExchangeRules.ClaimText(claims, provider.IdentityClaim) ?? "", ct) is { } collision)
        {
            await RefusedAsync(provider, service, collision, actor, ct);
            return collision;
        }

        var expire = Cap(request.ExpireSeconds, match!.MaxLifetimeSeconds, provider.Issuing.Project.Policy.DefaultLifetimeSeconds);
        var key = provider.Issuing;
        var result = service switch
        {
            "rtc" => issuer.Rtc(key, new RtcTokenRequest(request.Channel, identity!.Uid, identity.Account, match.Role, expire, null, null, null, request.Format)),
            "rtm" => issuer.Rtm(key, new RtmTokenRequest(identity!.UserId, expire, request.Format)),
            _ => issuer.Chat(key, new ChatTokenRequest(identity!.UserId, expire)),
        };
        if (!result.Ok) await AuditRefusalAsync(provider, result.Error, actor, ct); // the issuer counted it
        else await FirstTodayAsync(provider, identity, match, actor, ct);
        return result;
    }

    private ServiceError? Check(HttpContext http, ProviderSnapshot provider, System.Text.Json.JsonElement claims, string service,
        ExchangeRequest request, out ExchangeIdentity? identity, out RuleMatch? match)
    {
        identity = null;
        match = null;
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !provider.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            return ServiceError.Forbidden("origin_not_allowed", $"Exchanges for this identity provider may not come from {Shorten(origin)}: add the origin to the provider's allowed origins.");
        var subject = ExchangeRules.ClaimText(claims, "sub") ?? ExchangeRules.ClaimText(claims, provider.IdentityClaim) ?? "";
        if (limits.TryTakeSubject(SubjectBucket(provider.Id, subject), provider.RateLimitPerSubjectPerMinute) is { } wait)
        {
            http.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ServiceError(429, "rate_limited", $"This identity is limited to {provider.RateLimitPerSubjectPerMinute} exchanges per minute: retry after {wait} s.");
        }
        foreach (var required in provider.RequiredClaims)
            if (!ExchangeRules.Holds(claims, required))
                return ServiceError.Forbidden("claim_required", $"Identity provider \"{provider.Name}\" requires the claim `{required.Claim}` to be `{required.Value}`.");
        var mapped = ExchangeRules.Identity(claims, provider.Mapping, provider.IdentityClaim);
        if (!mapped.Ok) return mapped.Error;
        identity = mapped.Value;
        var matched = ExchangeRules.Match(provider.Rules, claims, service, request.Channel, request.Role, provider.Name);
        if (!matched.Ok) return matched.Error;
        match = matched.Value;
        return null;
    }

    /// The requested lifetime (or the policy's default), no longer than the rule allows; the policy still applies after.
    private static long? Cap(long? requested, long? ruleMax, long policyDefault)
    {
        if (ruleMax is not { } max) return requested;
        var wanted = requested ?? policyDefault;
        return Math.Min(wanted, max);
    }

    /// Per-subject buckets share the token API's limiter; the bucket id is a hash of provider and subject.
    private static Guid SubjectBucket(Guid provider, string subject)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(provider.ToString("N") + "\n" + subject), digest);
        return new Guid(digest[..16]);
    }

    private async Task RefusedAsync(ProviderSnapshot provider, string service, ServiceError error, AuditActor actor, CancellationToken ct)
    {
        counter.Count(provider.Issuing, service, error.Code);
        await AuditRefusalAsync(provider, error, actor, ct);
    }

    /// One row per provider and refusal code a minute, with the count of the refusals it stands for; never the token.
    private Task AuditRefusalAsync(ProviderSnapshot provider, ServiceError error, AuditActor actor, CancellationToken ct) =>
        auditThrottle.RecordAsync($"exchange-refused:{provider.Id}:{error.Code}", actor, count =>
            new AuditEntry(AuditEventType.TokenExchangeRefused, "identity_provider", provider.Id.ToString(),
                new { projectId = provider.Issuing.Project.ProjectId, provider = provider.Name, code = error.Code, count },
                provider.Issuing.Project.OrganizationId, Succeeded: false), ct, RefusalsAuditedPerMinute);

    /// The first exchange of a subject on a day (UTC), per instance: who signed in, as what, by which rule.
    private async Task FirstTodayAsync(ProviderSnapshot provider, ExchangeIdentity identity, RuleMatch match, AuditActor actor, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (today != _today || _seenToday.Count > 200_000)
        {
            _seenToday.Clear();
            _today = today;
        }
        if (!_seenToday.TryAdd((provider.Id, identity.Subject), 0)) return;
        await auditThrottle.RecordAsync($"exchange-first:{provider.Id}:{today:yyyyMMdd}:{identity.Subject}", actor, _ =>
            new AuditEntry(AuditEventType.TokenExchangeFirstToday, "identity_provider", provider.Id.ToString(),
                new
                {
                    projectId = provider.Issuing.Project.ProjectId,
                    provider = provider.Name,
                    subject = identity.Subject,
                    uid = identity.Uid,
                    account = identity.Account,
                    rule = match.Name
                },
                provider.Issuing.Project.OrganizationId), ct);
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
