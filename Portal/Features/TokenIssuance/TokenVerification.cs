using System.Text.Json;
using Portal.Features.Usage;
using Portal.Tokens;
using Portal.Tokens.Inspection;

namespace Portal.Features.TokenIssuance;

/// `POST /api/v1/tokens/verify`: checks a token against the project's Active certificate and its Previous
/// ones still within their grace time. Answers reason codes, never which bytes were wrong.
public sealed class TokenVerification(IssuanceCounter counter, TimeProvider clock)
{
    public VerifyTokenResponse Verify(KeySnapshot key, VerifyTokenRequest request)
    {
        var now = clock.GetUtcNow();
        var uid = request.Uid switch
        {
            { ValueKind: JsonValueKind.Number } n when n.TryGetUInt32(out var u) => AccessToken2.UidText(u),
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            _ => null,
        };
        var (best, matched) = Check(key.Project, request.Token, request.Channel, uid, now);

        var reasons = new List<string>();
        if (best is null) reasons.Add("no_active_certificate");
        else if (best.FormatError is { } format) reasons.Add($"malformed:{format.Code}");
        else
        {
            foreach (var check in best.Checks.Where(c => c.Status == TokenCheckStatus.Failed))
                reasons.Add(check.Name switch
                {
                    "signature" => "signature_invalid",
                    "app_id" => "app_id_mismatch",
                    "channel_uid" => "channel_uid_mismatch",
                    "expiry" => "expired",
                    "privilege_expiry" => "privilege_expired",
                    var other => other + "_failed",
                });
        }
        var revoked = best?.Token is { } parsed && matched is not null && IsRevoked(key.Project.Revocations, parsed);
        if (revoked) reasons.Add("token_revoked");
        var valid = best is { Valid: true } && matched is not null && !revoked;
        counter.Count(key, "verify", valid ? UsageRecorder.Issued : "token_invalid");

        var (appId, issuedAt, expiresAt, services) = Describe(best?.Token);
        return new VerifyTokenResponse(valid, reasons, appId, issuedAt, expiresAt, services,
            matched is null ? null : new VerifiedCertificate(matched.Id, matched.State.ToString()));
    }

    /// Verifies against the Active certificate, then the Previous ones still in their grace time; the first whose
    /// signature matches wins. Shared by the API and the token inspector, so both answer alike.
    /// A uid is checked only together with a channel: without one it is ignored.
    public static (TokenVerificationReport? Best, CertificateSnapshot? Matched) Check(ProjectSnapshot project, string? token,
        string? channel, string? uid, DateTimeOffset now)
    {
        if (channel is null) uid = null; // here, not in each caller, so the API and the inspector cannot drift apart
        var candidates = new List<CertificateSnapshot>();
        if (project.Active is { } active) candidates.Add(active);
        candidates.AddRange(project.Previous.Where(c => c.GraceUntil is null || c.GraceUntil > now));

        TokenVerificationReport? best = null;
        foreach (var certificate in candidates)
        {
            var report = TokenVerifier.Verify(token, new TokenVerifyOptions(certificate.Secret)
            {
                AppId = project.AppId,
                ChannelName = channel,
                Uid = uid,
                Now = now,
            });
            if (SignatureOk(report)) return (report, certificate);
            best ??= report; // no match: the Active certificate's report explains why
        }
        return (best, null);
    }

    /// Issued at or before a project-wide cut-off, or for a revoked subject (a token names its uid or account as text).
    private static bool IsRevoked(RevocationSnapshot revocations, ParsedToken token) => token switch
    {
        ParsedAccessToken2 t => revocations.IsRevokedAt(t.IssueTs) || t.Services.Any(s => s switch
        {
            Portal.Tokens.Services.RtcService rtc => revocations.IsRevoked(rtc.Uid),
            Portal.Tokens.Services.RtmService rtm => revocations.IsRevoked(rtm.UserId),
            Portal.Tokens.Services.ChatService chat => revocations.IsRevoked(chat.UserId),
            _ => false,
        }),
        // A 006 token carries only CRCs of its uid; its message time is the issue time plus Portal's fixed offset.
        Portal.Tokens.Legacy.ParsedAccessToken006 t => revocations.IsRevokedAt((long)t.Ts - Portal.Tokens.Legacy.AccessToken006.MessageTsOffset),
        _ => false,
    };

    private static bool SignatureOk(TokenVerificationReport report) =>
        report.Checks.Any(c => c.Name == "signature" && c.Status == TokenCheckStatus.Passed);

    private static (string?, DateTimeOffset?, DateTimeOffset?, IReadOnlyList<string>) Describe(ParsedToken? token) => token switch
    {
        ParsedAccessToken2 t => (t.AppId, DateTimeOffset.FromUnixTimeSeconds(t.IssueTs), DateTimeOffset.FromUnixTimeSeconds((long)t.ExpiresAtUnix),
            t.Services.Select(s => s.GetType().Name.Replace("Service", "", StringComparison.Ordinal).ToLowerInvariant()).ToList()),
        not null => (token.AppId, null, null, ["legacy006"]),
        null => (null, null, null, []),
    };
}
