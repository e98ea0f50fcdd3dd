using System.Globalization;
using Portal.Common;
using Portal.Features.Certificates;
using Portal.Features.Organizations;
using Portal.Features.Projects;
using Portal.Features.TokenIssuance;
using Portal.Tokens;
using Portal.Tokens.Inspection;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Features.Inspector;

/// Decodes a pasted token and checks it against this organization's projects with the token API's own check
/// (<see cref="TokenVerification.Check"/>). Runs in the server, touches no network, logs and stores nothing:
/// a token is a credential.
public sealed class TokenInspector(OrganizationAccess access, IssuanceCache projects, ProjectService projectNames, CertificateService certificates, TimeProvider clock)
{
    public const int MaxTokenLength = 8192;

    /// Parse failures of a well-formed-looking token that mean its bytes were changed: the zlib stream or its checksum.
    private static readonly HashSet<string> Altered =
    [
        TokenFormatCodes.ZlibInvalid, TokenFormatCodes.ZlibChecksumMismatch, TokenFormatCodes.ZlibTruncated, TokenFormatCodes.ZlibTrailingBytes,
        TokenFormatCodes.ContentTruncated, TokenFormatCodes.ContentTrailingBytes,
    ];

    public async Task<Result<TokenInspection>> InspectAsync(OrgCaller caller, InspectRequest request, CancellationToken ct)
    {
        if (await access.CheckAsync(caller, OrgNeed.Member, ct) is { } refused) return refused;
        var token = request.Token?.Trim() ?? "";
        if (token.Length == 0) return ServiceError.Validation("token_required", "Paste a token that starts with 006 or 007.", "token");
        if (token.Length > MaxTokenLength) return ServiceError.Validation("token_too_long", $"Tokens are far shorter than {MaxTokenLength} characters: check what was pasted.", "token");
        var channel = string.IsNullOrEmpty(request.Channel) ? null : request.Channel;
        var uid = UidText(request.Uid);
        var now = clock.GetUtcNow();
        var findings = new List<Finding>();

        if (!TokenParser.TryParse(token, out var parsed, out var error))
        {
            findings.Add(Altered.Contains(error.Code)
                ? new(FindingLevel.Problem, "altered", "The token was changed after it was issued",
                    $"A {token[..3]} token is compressed with a checksum that Portal checks before the signature, and it does not match ({error.Code}): "
                    + "at least one character was changed, added or removed since the token was issued, or it was cut off when copied. "
                    + "An altered token cannot carry a valid signature: Agora refuses it with error 110 (invalid token). Copy the token again, whole.", 110)
                : new(FindingLevel.Problem, "malformed", "Agora cannot read this token",
                    $"{error.Message} ({error.Code}). It may be cut off, or changed on the way (a copy that lost characters, URL encoding). "
                    + "Agora refuses an unreadable token as invalid (error 110).", 110));
            return new TokenInspection(token.Length >= 3 ? token[..3] : null, error.Code, null, null, null, null, [], [], null, false, findings);
        }

        var decoded = Decode(parsed);
        findings.Add(parsed is ParsedAccessToken2
            ? new(FindingLevel.Info, "format_007", "AccessToken2 (007)",
                "The current token format: one token can carry several services (here: " + string.Join(", ", decoded.Services.Select(s => s.Type)) + "), each privilege with its own expiry.")
            : new(FindingLevel.Info, "format_006", "Legacy AccessToken (006)",
                "Agora still accepts 006 tokens, but they hold one set of privileges and only CRC-32 checksums of the channel and uid, "
                + "so the channel and uid are needed to check the signature. New apps should ask for 007 tokens."));

        var snapshot = await projects.ProjectAsync(caller.OrganizationId, null, parsed.AppId, ct);
        InspectedMatch? match = null;
        var valid = false;
        if (snapshot is null)
        {
            findings.Add(new(FindingLevel.Problem, "app_id_unknown", "The App ID is not one of this organization's projects",
                $"App ID {parsed.AppId} has no project here, so Portal has no certificate to check the signature with. "
                + "If it is your app, switch organization or add the project; Agora checks the token against that App ID's own certificate."));
        }
        else
        {
            var name = (await projectNames.GetAsync(caller, snapshot.ProjectId, ct)).Value?.Name ?? "this project";
            var (report, matched) = TokenVerification.Check(snapshot, token, channel, uid, now);
            valid = report is { Valid: true } && matched is not null;
            var fingerprint = matched is null ? null
                : (await certificates.ListAsync(caller, snapshot.ProjectId, ct)).Value?.FirstOrDefault(c => c.Id == matched.Id)?.Fingerprint;
            match = new InspectedMatch(snapshot.ProjectId, name, matched?.State.ToString(), fingerprint);
            if (!snapshot.ProjectActive)
                findings.Add(new(FindingLevel.Warning, "project_disabled", "The project is disabled in Portal",
                    "Portal issues no new tokens for it; tokens already issued keep working at Agora until they expire."));
            Signature(findings, snapshot, parsed, report, matched, channel, uid, now);
            if (report is not null) Checks(findings, report, parsed, channel, uid);
        }
        Expiry(findings, decoded, now);
        Wildcard(findings, parsed);
        return decoded with { Match = match, Valid = valid, Findings = findings };
    }

    /// "0" is the uid-0 wildcard, which a 007 token carries as "" (TOKENS.md §1.4).
    private static string? UidText(string? uid) => string.IsNullOrWhiteSpace(uid) ? null
        : uint.TryParse(uid.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? AccessToken2.UidText(n) : uid.Trim();

    private static void Signature(List<Finding> findings, ProjectSnapshot project, ParsedToken parsed, TokenVerificationReport? report,
        CertificateSnapshot? matched, string? channel, string? uid, DateTimeOffset now)
    {
        if (matched is not null)
        {
            findings.Add(matched.State == Data.Projects.CertificateState.Active
                ? new(FindingLevel.Good, "signed_active", "Signed by the project's Active certificate", "The signature verifies: Agora accepts it as long as this certificate is enabled in Agora Console.")
                : new(FindingLevel.Warning, "signed_previous", "Signed by the project's Previous certificate",
                    $"The signature verifies with the certificate that was Active before the last rotation{(matched.GraceUntil is { } g ? $" (in its grace time until {g.UtcDateTime:yyyy-MM-dd HH:mm} UTC)" : "")}. "
                    + "Agora accepts it only while that certificate is still enabled in Agora Console; once it is disabled there, Agora answers 110 (invalid token)."));
            return;
        }
        if (project.Active is null && project.Previous.Count == 0)
        {
            findings.Add(new(FindingLevel.Problem, "no_certificate", "The project has no certificate to check with",
                "Import the App Certificate from Agora Console on the project's Certificates tab; without it Portal cannot tell whether the signature is right."));
            return;
        }
        if (parsed is ParsedAccessToken006 && (channel is null || uid is null))
        {
            findings.Add(new(FindingLevel.Info, "signature_needs_channel_uid", "Type the channel and uid to check the signature",
                "A 006 token signs its channel and uid but stores only their checksums, so its signature can only be checked together with them."));
            return;
        }
        if (report?.Checks.Any(c => c.Name == "signature" && c.Status == TokenCheckStatus.Failed) != true) return;
        var expiredPrevious = project.Previous.Any(c => c.GraceUntil <= now && Verifies(parsed, c.Secret, channel, uid));
        findings.Add(expiredPrevious
            ? new(FindingLevel.Problem, "signed_retired", "Signed by a Previous certificate whose grace time is over",
                "The signature matches a certificate this project has rotated away from. If that certificate is disabled in Agora Console, Agora refuses the token with error 110 (invalid token): get a new token.", 110)
            : new(FindingLevel.Problem, "signature_invalid", "The signature does not match",
                "No certificate of this project (Active, or Previous in its grace time) produced this signature. Either the token was changed after it was issued (a single character is enough), "
                + "or it was signed with a certificate this project does not know, or one already retired. Agora refuses it with error 110 (invalid token)." + (parsed is ParsedAccessToken006 ? " For a 006 token, a wrong channel or uid gives the same result." : ""), 110));
    }

    private static bool Verifies(ParsedToken parsed, string secret, string? channel, string? uid) => parsed switch
    {
        ParsedAccessToken2 t => t.VerifySignature(secret),
        ParsedAccessToken006 t when channel is not null && uid is not null => t.VerifySignature(secret, channel, uid),
        _ => false,
    };

    private static void Checks(List<Finding> findings, TokenVerificationReport report, ParsedToken parsed, string? channel, string? uid)
    {
        var channelUid = report.Checks.FirstOrDefault(c => c.Name == "channel_uid");
        if (channelUid?.Status == TokenCheckStatus.Failed)
        {
            var grants = parsed is ParsedAccessToken2 t
                ? string.Join("; ", t.Services.OfType<RtcService>().Select(s => $"channel \u201c{s.ChannelName}\u201d for {(s.Uid.Length == 0 ? "any uid" : $"uid \u201c{s.Uid}\u201d")}"))
                : "another channel or uid (a 006 token keeps only their checksums)";
            findings.Add(new(FindingLevel.Problem, "channel_uid_mismatch", "Not valid for this channel and uid",
                $"You asked about channel \u201c{channel ?? "(any)"}\u201d and uid \u201c{(uid is null ? "(any)" : uid.Length == 0 ? "0" : uid)}\u201d, but the token grants {(grants.Length == 0 ? "no RTC channel at all" : grants)}. "
                + "Agora refuses to join with error 110 (invalid token): the app must ask for a token with the channel and uid it joins with.", 110));
        }
        else if (channelUid?.Status == TokenCheckStatus.Passed)
            findings.Add(new(FindingLevel.Good, "channel_uid_match", "Valid for this channel and uid", "The token grants the channel and uid you typed."));
        if (report.Checks.Any(c => c.Name == "services" && c.Status == TokenCheckStatus.Warning))
            findings.Add(new(FindingLevel.Warning, "unknown_service", "A service this inspector does not know",
                "The token carries a service type newer than Portal's decoder; the rest of the token is signed but not shown."));
    }

    private static void Expiry(List<Finding> findings, TokenInspection decoded, DateTimeOffset now)
    {
        if (decoded.ExpiresAt is { } expiresAt)
        {
            findings.Add(now > expiresAt
                ? new(FindingLevel.Problem, "expired", "The token has expired",
                    $"It expired at {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, {Span(now - expiresAt)} ago. Agora refuses it with error 109 (token expired): "
                    + "the app must fetch a new token, ideally before the old one runs out (the SDK's token-privilege-will-expire callback).", 109)
                : new(FindingLevel.Good, "not_expired", "Not expired", $"Valid until {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, in {Span(expiresAt - now)}."));
        }
        var expired = decoded.Services.SelectMany(s => s.Privileges.Where(p => p.Expired).Select(p => (s, p))).ToList();
        if (expired.Count > 0 && !(decoded.ExpiresAt is { } end && now > end))
            findings.Add(new(FindingLevel.Problem, "privilege_expired", "A privilege has expired",
                string.Join("; ", expired.Select(x => $"{x.s.Type} {x.p.Name} expired at {x.p.ExpiresAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"))
                + ". Privileges expire separately from the token: once JoinChannel has passed Agora refuses to join with error 109 (token expired); "
                + "an expired publish privilege stops the user publishing while they stay in the channel.", 109));
    }

    private static void Wildcard(List<Finding> findings, ParsedToken parsed)
    {
        var wildcard = parsed switch
        {
            ParsedAccessToken2 t => t.Services.OfType<RtcService>().Any(s => s.Uid.Length == 0),
            ParsedAccessToken006 t => t.CrcUid == 0, // CRC-32 of "" (uid 0) is 0
            _ => false,
        };
        if (wildcard)
            findings.Add(new(FindingLevel.Warning, "wildcard_uid", "Wildcard uid (0)",
                "The token was issued for uid 0, so anyone holding it can join the channel with any uid. Convenient for tests; in production issue one token per user."));
    }

    private static string Span(TimeSpan span) => span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
        : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{(int)span.TotalDays} days";

    /// Every field of the token, with privilege expiries made absolute.
    private TokenInspection Decode(ParsedToken parsed)
    {
        var nowTs = clock.GetUtcNow().ToUnixTimeSeconds();
        switch (parsed)
        {
            case ParsedAccessToken2 t:
                {
                    var issued = DateTimeOffset.FromUnixTimeSeconds(t.IssueTs);
                    var services = t.Services.Select(s => new InspectedService(s.Name, ServiceFields(s),
                        s.Privileges.Select(p => Privilege(PrivilegeNames.For(s, p.Key), p.Value, p.Value == 0 ? null : (long)t.IssueTs + p.Value, nowTs)).ToList())).ToList();
                    return new TokenInspection("007", null, t.AppId, issued, DateTimeOffset.FromUnixTimeSeconds((long)t.ExpiresAtUnix), t.Salt,
                        [new("Lifetime", $"{t.Expire} s"), new("Signature", t.SignatureHex[..8] + "…")], services, null, false, []);
                }
            case ParsedAccessToken006 t:
                {
                    var privileges = t.Privileges.Select(p => Privilege(Enum.IsDefined((Privilege006)p.Key) ? ((Privilege006)p.Key).ToString() : $"privilege {p.Key}",
                        p.Value, p.Value == 0 ? null : p.Value, nowTs)).ToList();
                    var join = t.Privileges.TryGetValue((ushort)Privilege006.JoinChannel, out var j) && j != 0 ? j : (uint?)null;
                    var login = t.Privileges.TryGetValue((ushort)Privilege006.RtmLogin, out var l) && l != 0 ? l : (uint?)null;
                    var ends = new[] { (uint?)t.Ts, join, login }.Where(v => v is not null).Min()!.Value;
                    return new TokenInspection("006", null, t.AppId, null, DateTimeOffset.FromUnixTimeSeconds(ends), t.Salt,
                        [new("Message valid until", $"{DateTimeOffset.FromUnixTimeSeconds(t.Ts).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"),
                     new("Channel checksum (CRC-32)", t.CrcChannelName.ToString(CultureInfo.InvariantCulture)),
                     new("Uid checksum (CRC-32)", t.CrcUid.ToString(CultureInfo.InvariantCulture)),
                     new("Signature", t.SignatureHex[..8] + "…")],
                        [new InspectedService(login is not null && join is null ? "rtm" : "rtc", [], privileges)], null, false, []);
                }
            default:
                throw new InvalidOperationException("unknown token type");
        }
    }

    private static InspectedPrivilege Privilege(string name, uint value, long? absolute, long nowTs) =>
        new(name, value, absolute is { } a ? DateTimeOffset.FromUnixTimeSeconds(a) : null, absolute is { } at && nowTs > at);

    private static IReadOnlyList<KeyValuePair<string, string>> ServiceFields(TokenService s) => s switch
    {
        RtcService r => [new("Channel", r.ChannelName), new("Uid", r.Uid.Length == 0 ? "0 (wildcard: any uid)" : r.Uid)],
        RtmService r => [new("User id", r.UserId)],
        Rtm2Service r => [new("User id", r.UserId)],
        StreamingService r => [new("Channel", r.ChannelName), new("Account", r.Account)],
        FcdnService r => [new("Channel", r.ChannelName), new("Account", r.Account)],
        ChatService r => [new("User id", r.UserId.Length == 0 ? "(app token)" : r.UserId)],
        ApaasService r => [new("Room", r.RoomUuid), new("User", r.UserUuid), new("Role", r.Role.ToString(CultureInfo.InvariantCulture))],
        UnknownService u => [new("Type id", u.Type.ToString(CultureInfo.InvariantCulture)), new("Unread bytes", u.UnparsedBytes.ToString(CultureInfo.InvariantCulture))],
        _ => [],
    };
}
