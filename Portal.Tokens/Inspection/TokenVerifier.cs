using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Tokens.Inspection;

/// <summary>
/// Parses and verifies a token of either format and reports each check (TOKENS.md §1.11 steps 1-6).
/// The policy checks are the natural reading of the fields; Agora's server logic is not public.
/// </summary>
public static class TokenVerifier
{
    /// <summary>
    /// Verifies <paramref name="token"/>. Malformed tokens give a report with a failed "format" check;
    /// only a malformed <see cref="TokenVerifyOptions.Certificate"/> throws (<see cref="TokenInputException"/>).
    /// </summary>
    public static TokenVerificationReport Verify(string? token, TokenVerifyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TokenInputRules.ThrowIf(TokenInputRules.ValidateCertificate(options.Certificate));
        var checks = new List<TokenCheck>();
        if (!TokenParser.TryParse(token, out var parsed, out var error))
        {
            checks.Add(new("format", TokenCheckStatus.Failed, $"{error.Code}: {error.Message}"));
            var version = token is { Length: >= 3 } && token[..3] is AccessToken2.Version or AccessToken006.Version ? token[..3] : null;
            return new(false, version, error, checks, null);
        }

        checks.Add(new("format", TokenCheckStatus.Passed, $"Well-formed {parsed.Version} token."));
        if (parsed is ParsedAccessToken2 t2)
        {
            Verify007(t2, options, checks);
        }
        else
        {
            Verify006((ParsedAccessToken006)parsed, options, checks);
        }

        return new(checks.TrueForAll(c => c.Status != TokenCheckStatus.Failed), parsed.Version, null, checks, parsed);
    }

    private static void Verify007(ParsedAccessToken2 t, TokenVerifyOptions o, List<TokenCheck> checks)
    {
        checks.Add(t.VerifySignature(o.Certificate)
            ? new("signature", TokenCheckStatus.Passed, "HMAC-SHA256 signature matches the certificate.")
            : new("signature", TokenCheckStatus.Failed, "The signature does not match this certificate."));
        AddAppIdCheck(t.AppId, o, checks);

        if (o.ChannelName is not null || o.Uid is not null)
        {
            var match = t.Services.OfType<RtcService>().Any(s =>
                (o.ChannelName is null || s.ChannelName == o.ChannelName) && (o.Uid is null || s.Uid == "" || s.Uid == o.Uid));
            checks.Add(match
                ? new("channel_uid", TokenCheckStatus.Passed, "An RTC service grants this channel and uid.")
                : new("channel_uid", TokenCheckStatus.Failed, "No RTC service grants this channel and uid."));
        }
        else
        {
            checks.Add(new("channel_uid", TokenCheckStatus.Skipped, "No channel or uid given."));
        }

        if (o.Now is { } now)
        {
            var nowTs = now.ToUnixTimeSeconds();
            var expiresAt = (long)t.IssueTs + t.Expire;
            checks.Add(nowTs <= expiresAt
                ? new("expiry", TokenCheckStatus.Passed, $"Valid until {expiresAt} (Unix seconds).")
                : new("expiry", TokenCheckStatus.Failed, $"Expired at {expiresAt} (Unix seconds)."));
            // Privilege value 0 means "no separate limit" (TOKENS.md §1.6).
            var expired = t.Services.SelectMany(s => s.Privileges
                    .Where(p => p.Value != 0 && nowTs > (long)t.IssueTs + p.Value)
                    .Select(p => $"{s.Name}.{p.Key}"))
                .ToList();
            checks.Add(PrivilegeCheck(expired));
        }
        else
        {
            checks.Add(new("expiry", TokenCheckStatus.Skipped, "No time given."));
            checks.Add(new("privilege_expiry", TokenCheckStatus.Skipped, "No time given."));
        }

        checks.Add(t.HasUnknownService
            ? new("services", TokenCheckStatus.Warning, $"Parsing stopped at unknown service type {t.Services[^1].TypeId}; the rest is signed but not interpreted.")
            : new("services", TokenCheckStatus.Passed, $"{t.Services.Count} known service(s)."));
    }

    private static void Verify006(ParsedAccessToken006 t, TokenVerifyOptions o, List<TokenCheck> checks)
    {
        if (o.ChannelName is null || o.Uid is null)
        {
            checks.Add(new("signature", TokenCheckStatus.Skipped, "A 006 token signs the channel and uid but stores only their CRC-32s: give both to verify."));
            checks.Add(new("channel_uid", TokenCheckStatus.Skipped, "No channel and uid given."));
        }
        else
        {
            // Builders sign uid 0 as the empty string (TOKENS.md §1.8), so "0" means that uid here too; a user account
            // "0" is signed as "0", so that reading is kept when it is the one that matches.
            var uid = o.Uid == "0" && !t.VerifySignature(o.Certificate, o.ChannelName, "0") ? "" : o.Uid;
            checks.Add(t.VerifySignature(o.Certificate, o.ChannelName, uid)
                ? new("signature", TokenCheckStatus.Passed, "HMAC-SHA256 signature matches the certificate, channel and uid.")
                : new("signature", TokenCheckStatus.Failed, "The signature does not match this certificate, channel and uid."));
            checks.Add(t.Matches(o.ChannelName, uid)
                ? new("channel_uid", TokenCheckStatus.Passed, "CRC-32s of channel and uid match.")
                : new("channel_uid", TokenCheckStatus.Failed, "CRC-32s of channel or uid differ."));
        }

        AddAppIdCheck(t.AppId, o, checks);
        if (o.Now is { } now)
        {
            var nowTs = now.ToUnixTimeSeconds();
            checks.Add(nowTs <= t.Ts
                ? new("expiry", TokenCheckStatus.Passed, $"Message timestamp {t.Ts} not passed.")
                : new("expiry", TokenCheckStatus.Failed, $"Message timestamp {t.Ts} has passed."));
            var expired = t.Privileges.Where(p => p.Value != 0 && nowTs > p.Value).Select(p => $"{p.Key}").ToList();
            checks.Add(PrivilegeCheck(expired));
        }
        else
        {
            checks.Add(new("expiry", TokenCheckStatus.Skipped, "No time given."));
            checks.Add(new("privilege_expiry", TokenCheckStatus.Skipped, "No time given."));
        }
    }

    private static void AddAppIdCheck(string appId, TokenVerifyOptions o, List<TokenCheck> checks) =>
        checks.Add(o.AppId is null
            ? new("app_id", TokenCheckStatus.Skipped, "No App ID given.")
            : string.Equals(appId, o.AppId, StringComparison.Ordinal)
                ? new("app_id", TokenCheckStatus.Passed, "App ID matches.")
                : new("app_id", TokenCheckStatus.Failed, $"The token is for App ID {appId}."));

    private static TokenCheck PrivilegeCheck(List<string> expired) => expired.Count == 0
        ? new("privilege_expiry", TokenCheckStatus.Passed, "No privilege has expired.")
        : new("privilege_expiry", TokenCheckStatus.Failed, "Expired privileges: " + string.Join(", ", expired) + ".");
}
