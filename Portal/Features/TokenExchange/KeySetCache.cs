using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Data.IdentityProviders;

namespace Portal.Features.TokenExchange;

/// Signing keys per provider, fetched at first use through the outbound HTTP rule and cached: as long as the JWKS
/// answer's `Cache-Control: max-age` says (1 minute to 1 day; 1 hour without one); a `kid` not in the set refreshes
/// it at most once a minute; when the provider is down the last good set keeps serving.
public sealed class KeySetCache(IHttpClientFactory clients, TimeProvider clock, IOptions<TokenExchangeOptions> options, ILogger<KeySetCache> log)
{
    public const string HttpClientName = "identity-providers";
    public static readonly TimeSpan MinRefresh = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxMaxAge = TimeSpan.FromDays(1);
    private const int MaxDocumentBytes = 512 * 1024;

    private readonly ConcurrentDictionary<(Guid, long), Entry> _entries = new();

    /// Discovery documents and key sets come over HTTPS; plain HTTP only when private networks are allowed (a provider
    /// on this machine or the local network, for development and tests). Checked when a provider is saved and again
    /// on every fetch, since a discovery document names the key set's URL itself.
    public static bool MayFetch(Uri url, bool allowPrivateNetworks) =>
        url.Scheme == Uri.UriSchemeHttps || (allowPrivateNetworks && url.Scheme == Uri.UriSchemeHttp);

    /// The keys to check a token with, or null when the provider could not be reached and no set was ever fetched.
    public async Task<IReadOnlyList<SecurityKey>?> KeysAsync(ProviderSnapshot provider, string? kid, CancellationToken ct)
    {
        if (provider.KeySource == IdentityKeySource.Pasted) return provider.PastedKeys;
        if (_entries.Count > 10_000) _entries.Clear(); // more providers than any installation has: start over
        var entry = _entries.GetOrAdd((provider.Id, provider.Version), static _ => new Entry());
        if (!entry.NeedsFetch(clock.GetUtcNow(), kid)) return entry.Keys;
        var attempts = Volatile.Read(ref entry.Attempts);
        await entry.Gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            // A fetch made while this request waited is its answer too: a provider that is down or slow costs one
            // outbound request at a time, not one per queued exchange (anyone can send those, with a forged `iss`).
            if (!entry.NeedsFetch(now, kid) || Volatile.Read(ref entry.Attempts) != attempts) return entry.Keys;
            Interlocked.Increment(ref entry.Attempts);
            entry.LastAttempt = now;
            try
            {
                var (keys, maxAge) = await FetchAsync(provider, ct);
                entry.Keys = keys;
                entry.FreshUntil = now + maxAge;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Unreachable, slow or garbage: keep the last good set (if any) and try again in a minute at the earliest.
                log.LogWarning("Identity provider {Provider} keys could not be fetched: {Error}", provider.Id,
                    Security.Outbound.OutboundAddressRefusedException.IsIn(ex) ? "address not allowed"
                    : ex is InvalidDataException ? ex.Message : ex.GetType().Name); // our own words, never the provider's
                if (entry.Keys is not null) entry.FreshUntil = now + MinRefresh;
            }
            return entry.Keys;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<(IReadOnlyList<SecurityKey>, TimeSpan)> FetchAsync(ProviderSnapshot provider, CancellationToken ct)
    {
        var client = clients.CreateClient(HttpClientName);
        var jwksUrl = provider.JwksUrl;
        if (provider.KeySource == IdentityKeySource.Discovery)
        {
            var (discovery, _) = await GetAsync(client, provider.Issuer.TrimEnd('/') + "/.well-known/openid-configuration", ct);
            var configuration = OpenIdConnectConfiguration.Create(discovery);
            if (configuration.Issuer != provider.Issuer)
                throw new InvalidDataException("The discovery document names another issuer.");
            jwksUrl = configuration.JwksUri;
        }
        if (string.IsNullOrEmpty(jwksUrl)) throw new InvalidDataException("No JWKS URL.");
        var (jwks, maxAge) = await GetAsync(client, jwksUrl, ct);
        var keys = PastedKeys.Asymmetric(new JsonWebKeySet(jwks).Keys);
        if (keys.Count == 0) throw new InvalidDataException("The JWKS holds no RSA or EC signing key.");
        var age = maxAge ?? DefaultMaxAge;
        return (keys, age < MinRefresh ? MinRefresh : age > MaxMaxAge ? MaxMaxAge : age);
    }

    private async Task<(string Body, TimeSpan? MaxAge)> GetAsync(HttpClient client, string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !MayFetch(uri, options.Value.AllowPrivateNetworks))
            throw new InvalidDataException("Keys are fetched over HTTPS only.");
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxDocumentBytes) throw new InvalidDataException("Document too large.");
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxDocumentBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
        if (read > MaxDocumentBytes) throw new InvalidDataException("Document too large.");
        var cache = response.Headers.CacheControl;
        var maxAge = cache is { NoStore: true } or { NoCache: true } ? MinRefresh : cache?.MaxAge;
        return (System.Text.Encoding.UTF8.GetString(buffer, 0, read), maxAge);
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public volatile IReadOnlyList<SecurityKey>? Keys;
        public DateTimeOffset FreshUntil;
        public DateTimeOffset LastAttempt = DateTimeOffset.MinValue;
        public int Attempts;

        public bool NeedsFetch(DateTimeOffset now, string? kid)
        {
            if (Keys is not { } keys) return true;
            if (now >= FreshUntil) return true;
            return kid is not null && !keys.Any(k => k.KeyId == kid) && now - LastAttempt >= MinRefresh;
        }
    }
}
