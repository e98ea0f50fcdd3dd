using Portal.Common;
using Portal.Data;
using Portal.Data.IdentityProviders;
using Portal.Security.Outbound;

namespace Portal.Features.TokenExchange;

/// Checks an admin's provider settings and writes them into the row. Refuses what would weaken validation: `none`
/// and HMAC algorithms (a public key used as an HMAC secret verifies forged tokens), URLs on this machine's own
/// network unless the installation allows them.
internal static class IdentityProviderValidator
{
    /// The asymmetric algorithms the validator checks. EdDSA is not offered: .NET's cryptography (and so
    /// Microsoft.IdentityModel) has no Ed25519 verifier, and an algorithm that is accepted but never verifies would be a lie.
    public static readonly string[] Algorithms = ["RS256", "ES256"];
    public static readonly string[] Services = ["rtc", "rtm", "chat"];

    public static ServiceError? Apply(IdentityProviderInput input, IdentityProvider row, bool allowPrivateNetworks)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return Invalid("name_invalid", "Give the provider a name of 1 to 100 characters.", "name");
        var issuer = input.Issuer?.Trim() ?? "";
        if (!IsUrl(issuer) || issuer.Length > 500)
            return Invalid("issuer_invalid", "The issuer must be the provider's URL exactly as its tokens' `iss` claim has it, e.g. https://example.eu.auth0.com/.", "issuer");
        var audiences = (input.Audiences ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct().ToList();
        if (audiences.Count is 0 or > 20 || audiences.Any(a => a.Length > 200 || a.Contains('\n')))
            return Invalid("audiences_invalid", "Give 1 to 20 audiences (`aud` values: your app's client id or API identifier).", "audiences");
        if (ExchangeNames.ParseKeySource(input.KeySource) is not { } source)
            return Invalid("key_source_invalid", "The key source must be discovery, jwks_url or pasted.", "keySource");
        string? jwksUrl = null, pasted = null;
        if (source == IdentityKeySource.JwksUrl)
        {
            jwksUrl = input.JwksUrl?.Trim();
            if (jwksUrl is null || !IsUrl(jwksUrl) || jwksUrl.Length > 1000)
                return Invalid("jwks_url_invalid", "Give the JWKS URL (https://…/.well-known/jwks.json).", "jwksUrl");
        }
        if (source == IdentityKeySource.Pasted)
        {
            pasted = input.PastedKeys?.Trim() ?? "";
            if (pasted.Length > 32000) return Invalid("pasted_keys_invalid", "Pasted keys are at most 32,000 characters.", "pastedKeys");
            if (PastedKeys.Parse(pasted).Error is { } keyError) return Invalid("pasted_keys_invalid", keyError, "pastedKeys");
        }
        var fetched = new Uri(source == IdentityKeySource.JwksUrl ? jwksUrl! : issuer);
        var fetchedField = source == IdentityKeySource.JwksUrl ? "jwksUrl" : "issuer";
        if (source != IdentityKeySource.Pasted && !OutboundHttp.IsAllowedLiteral(fetched.Host, allowPrivateNetworks))
            return Invalid("address_not_allowed", "Portal does not call loopback, private or link-local addresses: use the provider's public URL.", fetchedField);
        // Keys fetched over plain HTTP could be swapped on the way, and whoever swaps them signs any identity.
        if (source != IdentityKeySource.Pasted && !KeySetCache.MayFetch(fetched, allowPrivateNetworks))
            return Invalid("https_required", "Portal fetches a provider's keys over HTTPS only: give its https:// URL (OpenID Connect requires one).", fetchedField);

        var algorithms = (input.Algorithms ?? ["RS256", "ES256"]).Select(a => a.Trim()).Distinct().ToList();
        if (algorithms.Count == 0 || algorithms.Any(a => a.Equals("none", StringComparison.OrdinalIgnoreCase) || a.StartsWith("HS", StringComparison.OrdinalIgnoreCase)))
            return Invalid("algorithm_not_allowed", "`none` and HMAC (HS256/HS384/HS512) are never accepted: a public key must not double as a shared secret. Use RS256 or ES256.", "algorithms");
        if (algorithms.FirstOrDefault(a => !Algorithms.Contains(a)) is { } unsupported)
            return Invalid("algorithm_not_supported", $"`{Short(unsupported)}` is not supported: choose RS256 and/or ES256.", "algorithms");
        var skew = input.ClockSkewSeconds ?? 60;
        if (skew is < 0 or > 300) return Invalid("clock_skew_invalid", "The clock skew is 0 to 300 seconds.", "clockSkewSeconds");
        if (input.MaxTokenAgeSeconds is { } age && age is < 60 or > 604_800)
            return Invalid("max_token_age_invalid", "The maximum token age is 60 to 604,800 seconds (7 days), or empty.", "maxTokenAgeSeconds");
        if (ExchangeNames.ParseMapping(input.IdentityMapping) is not { } mapping)
            return Invalid("identity_mapping_invalid", "The identity mapping must be uid_claim, uid_hash or account.", "identityMapping");
        var claim = string.IsNullOrWhiteSpace(input.IdentityClaim) ? "sub" : input.IdentityClaim.Trim();
        if (!IsClaimName(claim)) return Invalid("identity_claim_invalid", "The identity claim is a claim name such as sub, uid or email.", "identityClaim");
        var required = input.RequiredClaims ?? [];
        if (required.Count > 20 || required.Any(c => c.Claim is null || !IsClaimName(c.Claim) || c.Value is null || c.Value.Length > 200))
            return Invalid("required_claims_invalid", "Each required claim needs a claim name and a value (at most 20).", "requiredClaims");
        var rules = input.Rules ?? [];
        if (rules.Count is 0 or > 50) return Invalid("rules_invalid", "Give 1 to 50 rules: without one, no token can be exchanged.", "rules");
        for (var i = 0; i < rules.Count; i++)
            if (Rule(rules[i], i) is { } ruleError) return ruleError;
        var rate = input.RateLimitPerSubjectPerMinute ?? 60;
        if (rate is < 1 or > 10_000) return Invalid("rate_limit_invalid", "The rate limit per subject is 1 to 10,000 requests per minute.", "rateLimitPerSubjectPerMinute");
        var origins = (input.AllowedOrigins ?? []).Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).Distinct().ToList();
        if (origins.Count > 50 || origins.Any(o => !IsOrigin(o)))
            return Invalid("origins_invalid", "Allowed origins must be like https://app.example.com (scheme, host and optional port; at most 50).", "allowedOrigins");

        row.Name = name;
        row.Issuer = issuer;
        row.Audiences = LineList.Join(audiences);
        row.KeySource = source;
        row.JwksUrl = jwksUrl;
        row.PastedKeys = pasted;
        row.Algorithms = LineList.Join(algorithms);
        row.ClockSkewSeconds = skew;
        row.MaxTokenAgeSeconds = input.MaxTokenAgeSeconds;
        row.Mapping = mapping;
        row.IdentityClaim = claim;
        row.RequiredClaims = ExchangeJson.Write(required.Select(c => new RequiredClaim(c.Claim!.Trim(), c.Value)).ToList());
        row.Rules = ExchangeJson.Write(rules.Select(Normalize).ToList());
        row.RateLimitPerSubjectPerMinute = rate;
        row.AllowedOrigins = LineList.Join(origins);
        row.Enabled = input.Enabled ?? true;
        return null;
    }

    private static ServiceError? Rule(ExchangeRule rule, int i)
    {
        var field = $"rules[{i}]";
        if (rule.Name is { Length: > 100 }) return Invalid("rule_invalid", $"Rule {i + 1}: the name is at most 100 characters.", field);
        if (rule.Services is not { Count: > 0 } services || services.Any(s => !Services.Contains(s)))
            return Invalid("rule_invalid", $"Rule {i + 1}: services must be one or more of rtc, rtm, chat.", field);
        if (rule.Role is not (null or "publisher" or "subscriber"))
            return Invalid("rule_invalid", $"Rule {i + 1}: the role must be publisher or subscriber.", field);
        if (services.Contains("rtc") && (rule.Channels is not { Count: > 0 and <= 20 } channels || channels.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > 200)))
            return Invalid("rule_invalid", $"Rule {i + 1}: an RTC rule needs 1 to 20 channel patterns, e.g. room-{{org_id}}-* or user-{{sub}}.", field);
        if (rule.MaxLifetimeSeconds is { } max && max is < 1 or > 86_400)
            return Invalid("rule_invalid", $"Rule {i + 1}: the lifetime cap is 1 to 86,400 seconds, or empty.", field);
        if (rule.When is { } when && (when.Claim is null || !IsClaimName(when.Claim) || when.Value is null))
            return Invalid("rule_invalid", $"Rule {i + 1}: a condition needs a claim name and a value.", field);
        return null;
    }

    private static ExchangeRule Normalize(ExchangeRule r) =>
        r with { Role = r.Role ?? "subscriber", Channels = r.Channels?.Select(c => c.Trim()).ToList() ?? [], Name = r.Name?.Trim() };

    private static bool IsClaimName(string c) => c.Length is > 0 and <= 100 && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.' or ':' or '/');

    private static bool IsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.Fragment) && uri.UserInfo.Length == 0;

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && !value.EndsWith('/');

    private static string Short(string s) => s.Length <= 20 ? s : s[..20] + "…";

    private static ServiceError Invalid(string code, string message, string field) => ServiceError.Validation(code, message, field);
}
