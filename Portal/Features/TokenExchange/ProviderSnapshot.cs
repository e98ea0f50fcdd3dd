using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Portal.Data.ApiKeys;
using Portal.Data.IdentityProviders;
using Portal.Features.TokenIssuance;

namespace Portal.Features.TokenExchange;

/// An identity provider as the exchange sees it, read once and cached with its project until the cache stamp moves.
public sealed record ProviderSnapshot(Guid Id, string Name, string Issuer, string[] Audiences, IdentityKeySource KeySource, string? JwksUrl,
    IReadOnlyList<SecurityKey> PastedKeys, string[] Algorithms, int ClockSkewSeconds, int? MaxTokenAgeSeconds, IdentityMapping Mapping,
    string IdentityClaim, IReadOnlyList<RequiredClaim> RequiredClaims, IReadOnlyList<ExchangeRule> Rules, int RateLimitPerSubjectPerMinute,
    string[] AllowedOrigins, bool Enabled, long Version, KeySnapshot Issuing);

/// A project's providers and its token API snapshot.
public sealed record ProjectProviders(ProjectSnapshot Project, IReadOnlyList<ProviderSnapshot> Providers);

internal static class ProviderSnapshots
{
    /// The provider issues through the token API's issuer as a publishable-like caller: the services its rules may name
    /// (never Chat app tokens), no key limits of its own (its rules and the project's policy cap everything). Usage is
    /// counted under the provider's id.
    public static ProviderSnapshot Of(IdentityProvider p, ProjectSnapshot project)
    {
        var origins = Data.LineList.Split(p.AllowedOrigins);
        var issuing = new KeySnapshot(p.Id, ApiKeyKind.Publishable, ApiKeyScopes.Rtc | ApiKeyScopes.Rtm | ApiKeyScopes.Chat, origins, [], 0, null,
            !p.Enabled, project);
        return new ProviderSnapshot(p.Id, p.Name, p.Issuer, Data.LineList.Split(p.Audiences), p.KeySource, p.JwksUrl,
            p.KeySource == IdentityKeySource.Pasted ? PastedKeys.Parse(p.PastedKeys ?? "").Keys : [], Data.LineList.Split(p.Algorithms),
            p.ClockSkewSeconds, p.MaxTokenAgeSeconds, p.Mapping, p.IdentityClaim, ExchangeJson.RequiredClaims(p.RequiredClaims),
            ExchangeJson.Rules(p.Rules), p.RateLimitPerSubjectPerMinute, origins, p.Enabled, p.UpdatedAt.UtcTicks, issuing);
    }
}

/// Public keys pasted by an admin: a JWKS document, or one or more PEM public keys (RSA or EC). Symmetric keys are
/// never taken: a token "signed" with public key material as an HMAC secret must not verify.
public static class PastedKeys
{
    public static (IReadOnlyList<SecurityKey> Keys, string? Error) Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return ([], "Paste a JWKS document or PEM public keys.");
        try
        {
            if (text.StartsWith('{'))
            {
                var keys = Asymmetric(new JsonWebKeySet(text).Keys);
                return keys.Count == 0 ? ([], "The JWKS holds no RSA or EC key.") : (keys, null);
            }
            var pems = new List<SecurityKey>();
            const string End = "-----END PUBLIC KEY-----";
            var index = 0;
            while (text.IndexOf("-----BEGIN PUBLIC KEY-----", index, StringComparison.Ordinal) is var start and >= 0)
            {
                var end = text.IndexOf(End, start, StringComparison.Ordinal);
                if (end < 0) break;
                pems.Add(FromPem(text[start..(end + End.Length)], pems.Count));
                index = end + End.Length;
            }
            return pems.Count == 0 ? ([], "Paste a JWKS document or PEM public keys (-----BEGIN PUBLIC KEY-----).") : (pems, null);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            return ([], "The pasted keys could not be read: paste a JWKS document or PEM public keys.");
        }
    }

    /// Only RSA and EC keys meant for signatures (no `use`, or `use: sig`).
    public static IReadOnlyList<SecurityKey> Asymmetric(IEnumerable<JsonWebKey> keys) =>
        keys.Where(k => k.Kty is "RSA" or "EC" && (string.IsNullOrEmpty(k.Use) || k.Use == "sig")).Cast<SecurityKey>().ToList();

    private static SecurityKey FromPem(string pem, int n)
    {
        try
        {
            var rsa = System.Security.Cryptography.RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa) { KeyId = $"pem-{n}" };
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            var ec = System.Security.Cryptography.ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec) { KeyId = $"pem-{n}" };
        }
    }
}
