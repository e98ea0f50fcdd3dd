namespace Portal.Features.TokenExchange;

/// `Portal:TokenExchange`. Identity providers are called under the same network rule as webhooks: addresses on
/// this machine's own network (loopback, private, link-local) only when AllowPrivateNetworks is on.
public sealed class TokenExchangeOptions
{
    public bool AllowPrivateNetworks { get; set; }

    /// How long a discovery or JWKS request may take before the provider counts as unavailable.
    public int FetchTimeoutSeconds { get; set; } = 5;
}
