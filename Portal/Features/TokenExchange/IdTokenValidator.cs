using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portal.Common;

namespace Portal.Features.TokenExchange;

/// A validated token: the provider that signed it and its claims (the payload as JSON).
public sealed record ValidatedToken(ProviderSnapshot Provider, JsonElement Claims);

/// Checks an identity provider's token with Microsoft.IdentityModel (signature against the provider's keys, issuer,
/// audience, lifetime with the provider's clock skew) and the provider's extra rules (algorithms, maximum age). Every
/// failure is a 401 problem with a stable code; nothing a client sends reaches a 500.
public sealed class IdTokenValidator(KeySetCache keySets, TimeProvider clock)
{
    /// Larger tokens are refused before any parsing.
    public const int MaxTokenBytes = 16 * 1024;

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// Tokens whose signature, issuer, audience and algorithm were verified, by SHA-256 of the token: a client sends the
    /// same ID token for every exchange until it expires, and the RSA or EC check was most of an exchange's cost. A hit
    /// counts only for the very same provider snapshot (any change to the provider replaces it) and the very same key
    /// set (a key rotated out of the JWKS ends it); the lifetime and the maximum age are checked again on every use.
    private readonly ConcurrentDictionary<TokenHash, Verified> _verified = new();
    private const int MaxVerified = 50_000;
    private int _verifiedAdded;

    private sealed record Verified(ProviderSnapshot Provider, IReadOnlyList<SecurityKey> Keys, string? Kid, DateTime NotBefore, DateTime Expires,
        JsonElement Claims);

    public async Task<Result<ValidatedToken>> ValidateAsync(IReadOnlyList<ProviderSnapshot> providers, string token, CancellationToken ct)
    {
        if (token.Length > MaxTokenBytes)
            return Refused("id_token_too_large", $"The identity token is larger than {MaxTokenBytes / 1024} KiB.");
        var hash = TokenHash.Of(token);
        if (_verified.TryGetValue(hash, out var seen) && await StillVerifiedAsync(seen, providers, ct))
            return Accepted(seen.Provider, seen.Claims);
        JsonWebToken jwt;
        string issuer;
        try
        {
            jwt = new JsonWebToken(token);
            issuer = jwt.Issuer;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException or InvalidOperationException)
        {
            return Refused("id_token_malformed", "The identity token is not a readable JWT (three base64url parts with JSON header and claims).");
        }
        if (jwt.IsEncrypted) return Refused("id_token_malformed", "Encrypted tokens (JWE) are not accepted: send the signed ID or access token.");

        var provider = providers.FirstOrDefault(p => p.Enabled && p.Issuer == issuer);
        if (provider is null)
            return Refused("id_token_issuer", "The token's issuer (`iss`) is not an identity provider this project trusts.");
        if (!provider.Algorithms.Contains(jwt.Alg))
            return Refused("id_token_signature", $"The token is signed with `{Shorten(jwt.Alg)}`, which this provider does not allow ({string.Join(", ", provider.Algorithms)}).");

        var keys = await keySets.KeysAsync(provider, string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, ct);
        if (keys is null)
            return Refused("idp_unavailable", $"The signing keys of identity provider \"{provider.Name}\" could not be fetched: try again shortly.");

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = provider.Issuer,
            ValidAudiences = provider.Audiences,
            IssuerSigningKeys = keys,
            ValidAlgorithms = provider.Algorithms,
            ClockSkew = TimeSpan.FromSeconds(provider.ClockSkewSeconds),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid),
            LifetimeValidator = (notBefore, expires, _, p) => Lifetime(notBefore, expires, p),
        };
        TokenValidationResult result;
        try
        {
            result = await Handler.ValidateTokenAsync(jwt, parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException or InvalidOperationException)
        {
            return Refused("id_token_malformed", "The identity token could not be read.");
        }
        if (!result.IsValid) return Map(result.Exception);

        JsonElement claims;
        try
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            claims = payload.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return Refused("id_token_malformed", "The token's claims are not a JSON object.");
        }
        if (claims.ValueKind != JsonValueKind.Object) return Refused("id_token_malformed", "The token's claims are not a JSON object.");

        // More live tokens than any installation has: start over. Counted by hand: ConcurrentDictionary.Count takes
        // every one of its locks, which the token API's trace showed queueing requests (RateLimits.AnyInvalidKeys).
        if (Interlocked.Increment(ref _verifiedAdded) % MaxVerified == 0) _verified.Clear();
        _verified[hash] = new Verified(provider, keys, string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, jwt.ValidFrom, jwt.ValidTo, claims);
        return Accepted(provider, claims);
    }

    private Result<ValidatedToken> Accepted(ProviderSnapshot provider, JsonElement claims) =>
        CheckAge(provider, claims) is { } tooOld ? tooOld : new ValidatedToken(provider, claims);

    /// A token verified before still is when its provider and key set are the ones it was verified with and its
    /// lifetime holds now; otherwise it goes through the whole validation again (which then says what is wrong).
    private async Task<bool> StillVerifiedAsync(Verified seen, IReadOnlyList<ProviderSnapshot> providers, CancellationToken ct)
    {
        var provider = providers.FirstOrDefault(p => ReferenceEquals(p, seen.Provider));
        if (provider is not { Enabled: true }) return false;
        if (!ReferenceEquals(await keySets.KeysAsync(provider, seen.Kid, ct), seen.Keys)) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var skew = TimeSpan.FromSeconds(provider.ClockSkewSeconds);
        return seen.Expires >= now - skew && (seen.NotBefore == DateTime.MinValue || seen.NotBefore <= now + skew);
    }

    private ServiceError? CheckAge(ProviderSnapshot provider, JsonElement claims)
    {
        if (provider.MaxTokenAgeSeconds is not { } maxAge) return null;
        if (!claims.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issuedAt))
            return Refused("id_token_malformed", "This provider limits the token's age, so the token needs a numeric `iat` claim.");
        var age = clock.GetUtcNow().ToUnixTimeSeconds() - issuedAt;
        return age > maxAge + provider.ClockSkewSeconds
            ? Refused("id_token_expired", $"The token was issued {age} s ago; this provider accepts tokens at most {maxAge} s old: sign in again.")
            : null;
    }

    /// SHA-256 of a token's characters as four longs: a dictionary key without allocating.
    private readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(string token)
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(MemoryMarshal.AsBytes(token.AsSpan()), digest);
            var parts = MemoryMarshal.Cast<byte, ulong>(digest);
            return new TokenHash(parts[0], parts[1], parts[2], parts[3]);
        }
    }

    /// The `iss` of a token that failed validation, to count the refusal against its provider; null when unreadable.
    public static string? UnverifiedIssuer(string token)
    {
        if (token.Length > MaxTokenBytes) return null;
        try
        {
            return new JsonWebToken(token).Issuer;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// Lifetime against Portal's clock (tests move it), with the provider's skew.
    private bool Lifetime(DateTime? notBefore, DateTime? expires, TokenValidationParameters p)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is null) throw new SecurityTokenNoExpirationException("no exp");
        if (notBefore is { } nbf && nbf > now + p.ClockSkew) throw new SecurityTokenNotYetValidException("nbf") { NotBefore = nbf };
        if (expires.Value < now - p.ClockSkew) throw new SecurityTokenExpiredException("exp") { Expires = expires.Value };
        return true;
    }

    private static ServiceError Map(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => Refused("id_token_expired", "The identity token has expired: get a fresh one from the identity provider."),
        SecurityTokenNotYetValidException => Refused("id_token_not_yet_valid", "The identity token is not valid yet (`nbf` is in the future): check the clocks."),
        SecurityTokenNoExpirationException => Refused("id_token_malformed", "The identity token has no numeric `exp` claim."),
        SecurityTokenInvalidAudienceException => Refused("id_token_audience", "The token's audience (`aud`) is not one this provider accepts."),
        SecurityTokenInvalidIssuerException => Refused("id_token_issuer", "The token's issuer (`iss`) is not an identity provider this project trusts."),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException => Refused("id_token_signature", "The token's signature does not verify with this provider's keys."),
        SecurityTokenMalformedException or ArgumentException or JsonException or FormatException =>
            Refused("id_token_malformed", "The identity token could not be read (a claim of the wrong type?)."),
        SecurityTokenException => Refused("id_token_signature", "The identity token was refused."),
        _ => Refused("id_token_malformed", "The identity token could not be read."),
    };

    private static ServiceError Refused(string code, string message) => new(401, code, message);

    private static string Shorten(string value) => value.Length <= 20 ? value : value[..20] + "…";
}
