using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Portal.Common;
using Portal.Data.Projects;

namespace Portal.Features.TokenExchange;

/// What the Try-it panel sends: a sample JWT (its claims are read, its signature is not checked) or claims JSON,
/// and the request an app would make.
public sealed record PreviewInput(string? SampleJwt, string? ClaimsJson, string? Service, string? Channel, string? Role);

/// Which rule matched and the grant that would be issued; or why the exchange would be refused.
public sealed record PreviewResult(bool Allowed, string? Rule, long? Uid, string? Account, string Service, string? Channel, string? Role,
    long? ExpireSeconds, string? RefusalCode, string? RefusalMessage);

/// The exchange's claim steps (required claims, identity mapping, the rule table, the lifetime caps) on sample
/// claims, without validating a signature and without issuing anything.
internal static class ExchangePreview
{
    public static Result<PreviewResult> Run(IdentityProviderDto provider, TokenPolicy policy, PreviewInput input)
    {
        JsonElement claims;
        try
        {
            var json = input.SampleJwt is { Length: > 0 } jwt
                ? Base64UrlEncoder.Decode(jwt.Trim().Split('.') is { Length: >= 2 } parts ? parts[1] : throw new FormatException())
                : input.ClaimsJson ?? "";
            using var doc = JsonDocument.Parse(json);
            claims = doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return ServiceError.Validation("sample_invalid", "Paste a JWT (header.payload.signature) or a JSON object of claims.", "sample");
        }
        if (claims.ValueKind != JsonValueKind.Object)
            return ServiceError.Validation("sample_invalid", "The claims must be a JSON object.", "sample");
        var service = input.Service ?? "rtc";
        PreviewResult Refused(ServiceError e) => new(false, null, null, null, service, input.Channel, input.Role, null, e.Code, e.Message);

        foreach (var required in provider.RequiredClaims)
            if (!ExchangeRules.Holds(claims, required))
                return Refused(ServiceError.Forbidden("claim_required", $"The claim `{required.Claim}` must be `{required.Value}`."));
        if (ExchangeNames.ParseMapping(provider.IdentityMapping) is not { } mapping) return ServiceError.Validation("identity_mapping_invalid", "Unknown mapping.");
        var identity = ExchangeRules.Identity(claims, mapping, provider.IdentityClaim);
        if (!identity.Ok) return Refused(identity.Error);
        var match = ExchangeRules.Match(provider.Rules, claims, service, input.Channel, input.Role, provider.Name);
        if (!match.Ok) return Refused(match.Error);
        long expire = policy.DefaultLifetimeSeconds;
        if (match.Value.MaxLifetimeSeconds is { } cap) expire = Math.Min(expire, cap);
        expire = Math.Clamp(expire, policy.MinLifetimeSeconds, policy.MaxLifetimeSeconds);
        var id = identity.Value;
        return new PreviewResult(true, match.Value.Name, id.Uid, id.Account, service, service == "rtc" ? input.Channel : null,
            service == "rtc" ? match.Value.Role : null, expire, null, null);
    }
}
