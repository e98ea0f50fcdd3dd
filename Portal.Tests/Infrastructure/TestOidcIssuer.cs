using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Tests.Infrastructure;

/// A real OIDC issuer on loopback: Kestrel serving `/.well-known/openid-configuration` and a JWKS, signing tokens
/// with an RSA and an EC key. It can rotate its keys, hang, or answer garbage, and counts the JWKS requests.
public sealed class TestOidcIssuer : IAsyncDisposable
{
    public enum Behaviour { Normal, Hang, Garbage }

    private readonly WebApplication _app;
    private readonly List<(SecurityKey Key, string Alg)> _published = [];
    private int _generation;

    private TestOidcIssuer(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = "";
    public string JwksUrl => Issuer + "/jwks";
    public Behaviour Mode { get; set; }
    public int JwksRequests;

    /// How many ID tokens `/sign-in` handed out.
    public int SignIns;

    /// The sign-in endpoint a page's script fetches ID tokens from (see <see cref="StartAsync"/>).
    public string SignInUrl => Issuer + "/sign-in";

    /// `Cache-Control` sent with the JWKS (null: none).
    public string? JwksCacheControl { get; set; } = "max-age=3600";

    public RsaSecurityKey Rsa { get; private set; } = null!;
    public ECDsaSecurityKey Ec { get; private set; } = null!;

    public static async Task<TestOidcIssuer> StartAsync(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestOidcIssuer(app);
        app.MapGet("/.well-known/openid-configuration", (HttpContext http) => issuer.AnswerAsync(http, () =>
            JsonSerializer.Serialize(new { issuer = issuer.Issuer, jwks_uri = issuer.JwksUrl, id_token_signing_alg_values_supported = new[] { "RS256", "ES256" } })));
        app.MapGet("/jwks", (HttpContext http) =>
        {
            Interlocked.Increment(ref issuer.JwksRequests);
            if (issuer.JwksCacheControl is { } cc) http.Response.Headers.CacheControl = cc;
            return issuer.AnswerAsync(http, issuer.JwksJson);
        });
        // A stand-in for an identity provider's sign-in: a page's script GETs a signed ID token for a subject
        // (`?sub=alice&org_id=acme`: every query parameter becomes a string claim). A simple GET, so the browser sends
        // no preflight; `*` because the page is on Portal's origin and this issuer is on another port.
        app.MapGet("/sign-in", (HttpContext http) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            var claims = http.Request.Query.Where(q => q.Key != "aud")
                .ToDictionary(q => q.Key, q => (object)(q.Value.ToString()));
            var audience = http.Request.Query["aud"].ToString() is { Length: > 0 } aud ? aud : "portal-app";
            Interlocked.Increment(ref issuer.SignIns);
            return Results.Json(new { id_token = issuer.Token(claims, audience) });
        });
        await app.StartAsync(ct);
        issuer.Issuer = app.Urls.First();
        issuer.Rotate();
        return issuer;
    }

    /// New RSA and EC keys with new key ids; the old ones are no longer published (tokens signed with them fail).
    public void Rotate()
    {
        lock (_published)
        {
            _generation++;
            Rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = $"rsa-{_generation}" };
            Ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = $"ec-{_generation}" };
            _published.Clear();
            _published.Add((Rsa, SecurityAlgorithms.RsaSha256));
            _published.Add((Ec, SecurityAlgorithms.EcdsaSha256));
        }
    }

    public string JwksJson()
    {
        lock (_published)
        {
            var keys = _published.Select(k => k.Key switch
            {
                RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId }),
                ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
                _ => throw new InvalidOperationException(),
            }).Select(j => new Dictionary<string, string?>
            {
                ["kty"] = j.Kty,
                ["kid"] = j.Kid,
                ["use"] = "sig",
                ["alg"] = j.Kty == "RSA" ? "RS256" : "ES256",
                ["n"] = j.N,
                ["e"] = j.E,
                ["crv"] = j.Crv,
                ["x"] = j.X,
                ["y"] = j.Y,
            }.Where(p => p.Value is not null).ToDictionary());
            return JsonSerializer.Serialize(new { keys });
        }
    }

    /// A signed token. Defaults: this issuer, audience "portal-app", `sub` "user-1", valid for an hour from now.
    public string Token(IDictionary<string, object>? claims = null, string audience = "portal-app", bool ec = false,
        DateTime? notBefore = null, DateTime? expires = null, DateTime? issuedAt = null, string? issuer = null, SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var values = new Dictionary<string, object> { ["sub"] = "user-1" };
        if (claims is not null)
            foreach (var (k, v) in claims) values[k] = v;
        var signingKey = key ?? (ec ? Ec : Rsa);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = values,
            IssuedAt = issuedAt ?? now,
            NotBefore = notBefore ?? (issuedAt ?? now),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(signingKey, signingKey is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// A token with a hand-made header and payload and the given signature part (for `alg: none` and other forgeries).
    public static string Raw(object header, object payload, string signature = "") =>
        B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(payload)) + "." + signature;

    /// The classic key-confusion forgery: HS256 with the issuer's public key (its JWKS text) as the HMAC secret.
    public string HmacWithPublicKey(object payload)
    {
        var head = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT", kid = Rsa.KeyId }));
        var body = B64(JsonSerializer.SerializeToUtf8Bytes(payload));
        var secret = Encoding.UTF8.GetBytes(JwksJson());
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(head + "." + body));
        return head + "." + body + "." + B64(mac);
    }

    public object Payload(string sub = "user-1", string audience = "portal-app") => new
    {
        iss = Issuer,
        aud = audience,
        sub,
        iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
    };

    public static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    private async Task AnswerAsync(HttpContext http, Func<string> body)
    {
        switch (Mode)
        {
            case Behaviour.Hang:
                try { await Task.Delay(Timeout.Infinite, http.RequestAborted); } catch (OperationCanceledException) { }
                return;
            case Behaviour.Garbage:
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("{\"keys\": [ this is not json <html>");
                return;
            default:
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(body());
                return;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
