using Microsoft.Extensions.Options;
using Portal.Security.Outbound;

namespace Portal.Features.TokenExchange;

public static class TokenExchangeSetup
{
    /// Identity providers a project trusts (Sign-in tab, management API) and the exchange of their tokens for Agora
    /// tokens: validation, key sets fetched through the outbound network rule, rules, and issuing through the token API.
    public static WebApplicationBuilder AddTokenExchange(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<TokenExchangeOptions>().BindConfiguration("Portal:TokenExchange");
        s.AddScoped<IdentityProviderService>();
        s.AddSingleton<ExchangeDirectory>();
        s.AddSingleton<KeySetCache>();
        s.AddSingleton<IdTokenValidator>();
        s.AddSingleton<UidRegistry>();
        s.AddSingleton<TokenExchanger>();
        // No redirects, no proxy, public addresses only unless allowed: see OutboundHttp.
        s.AddOutboundHttpClient(KeySetCache.HttpClientName,
            sp => sp.GetRequiredService<IOptions<TokenExchangeOptions>>().Value.AllowPrivateNetworks,
            TimeSpan.FromSeconds(Math.Clamp(builder.Configuration.GetValue("Portal:TokenExchange:FetchTimeoutSeconds", 5), 1, 30)), "Portal-TokenExchange/1");
        return builder;
    }

    public static WebApplication MapTokenExchange(this WebApplication app)
    {
        app.MapIdentityProviderApi();
        app.MapExchangeApi();
        return app;
    }
}
