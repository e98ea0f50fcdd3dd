using Portal.Common;
using Portal.Data.ApiKeys;
using Portal.Data.Audit;
using Portal.Data.Tenancy;
using Portal.Features.Audit;
using Portal.Features.Organizations;

namespace Portal.Features.TokenIssuance;

/// The project page's "Mint a test token": the same choices as the API.
public sealed record MintTestToken(string Service, string? Channel, long? Uid, string? Account, string? Role, long? ExpireSeconds,
    string? UserId = null, string? Format = null);

/// Issues a token from the project page through <see cref="TokenIssuer"/>, so the policy applies exactly as it does to
/// API keys, and records it as a manual issuance (who, which channel and subject, never the token itself).
public sealed class TestTokens(OrganizationAccess access, IssuanceCache projects, TokenIssuer issuer, AuditLog audit, TenantDb tenants)
{
    public async Task<Result<TokenResponse>> MintAsync(OrgCaller caller, Guid projectId, MintTestToken input, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Manage, ct) is { } forbidden) return forbidden;
        var project = await projects.ProjectAsync(caller.OrganizationId, projectId, null, ct);
        if (project is null) return ServiceError.NotFound("project");
        if (PolicyGate.ProjectState(project) is { } disabled) return disabled;

        // A stand-in for an API key with every scope and no prefixes of its own: only the project's policy limits it.
        var key = new KeySnapshot(Guid.Empty, ApiKeyKind.Secret, ApiKeyScopes.Rtc | ApiKeyScopes.Rtm | ApiKeyScopes.Chat | ApiKeyScopes.ChatApp, [], [], 0, null, false, project);
        var result = input.Service?.ToLowerInvariant() switch
        {
            "rtc" => issuer.Rtc(key, new RtcTokenRequest(input.Channel, input.Uid, input.Account, input.Role,
                input.ExpireSeconds, null, null, null, input.Format)),
            "rtm" => issuer.Rtm(key, new RtmTokenRequest(input.UserId, input.ExpireSeconds, input.Format)),
            "chat" => issuer.Chat(key, new ChatTokenRequest(input.UserId, input.ExpireSeconds)),
            _ => ServiceError.Validation("service_invalid", "Choose rtc, rtm or chat.", "service"),
        };
        if (!result.Ok) return result;
        var t = result.Value;
        await using var db = await tenants.GlobalAsync(ct);
        await audit.SaveAsync(db, caller.Actor, new AuditEntry(AuditEventType.TestTokenMinted, "project", projectId.ToString(),
            new { projectId, manual = true, t.Service, t.Format, t.Channel, t.Uid, t.Account, t.Role, t.UserId, t.ExpireSeconds, t.ExpiresAt },
            caller.OrganizationId), ct);
        return result;
    }
}
