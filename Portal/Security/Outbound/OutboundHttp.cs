using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Security.Outbound;

/// The connection of a refused outbound request: the host resolved to an address the network rule does not allow.
public sealed class OutboundAddressRefusedException(string host)
    : HttpRequestException($"{host} resolves to a loopback, link-local or private address, which Portal does not call.")
{
    public string Host { get; } = host;

    /// The handler wraps what its connect callback throws: look down the chain.
    public static bool IsIn(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is OutboundAddressRefusedException) return true;
        return false;
    }
}

/// Named HttpClients for requests that leave Portal (webhooks, identity providers, Agora's REST API). Every
/// connection resolves the host itself, checks every address against <see cref="OutboundAddresses"/> and then connects
/// to a checked address, so a name that resolves differently between a check and the connection (DNS rebinding), a
/// redirect or a literal private IP cannot reach this machine's own network unless the installation allows it.
public static class OutboundHttp
{
    public static IHttpClientBuilder AddOutboundHttpClient(this IServiceCollection services, string name,
        Func<IServiceProvider, bool> allowPrivateNetworks, TimeSpan timeout, string userAgent)
    {
        services.TryAddSingleton<IOutboundResolver, DnsOutboundResolver>();
        return services.AddHttpClient(name, c =>
            {
                c.Timeout = timeout;
                c.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var resolver = sp.GetRequiredService<IOutboundResolver>();
                var allow = allowPrivateNetworks(sp);
                return new SocketsHttpHandler
                {
                    // A receiver answers at the URL it was given; a redirect is an answer, not a new destination.
                    AllowAutoRedirect = false,
                    // A proxy would make the proxy the checked host and the real destination unchecked.
                    UseProxy = false,
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = (context, ct) => ConnectAsync(resolver, allow, context.DnsEndPoint, ct),
                };
            });
    }

    /// True when the host may be called. Literal addresses and `localhost` are judged without DNS, which is what
    /// a form can check as the user types; names are judged again, on their addresses, at every connection.
    public static bool IsAllowedLiteral(string host, bool allowPrivateNetworks)
    {
        if (allowPrivateNetworks) return true;
        if (OutboundAddresses.IsLocalName(host)) return false;
        return !IPAddress.TryParse(host.Trim('[', ']'), out var ip) || OutboundAddresses.IsPublic(ip);
    }

    private static async ValueTask<Stream> ConnectAsync(IOutboundResolver resolver, bool allowPrivate, DnsEndPoint endpoint, CancellationToken ct)
    {
        var host = endpoint.Host.Trim('[', ']');
        if (!allowPrivate && OutboundAddresses.IsLocalName(host)) throw new OutboundAddressRefusedException(host);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolver.ResolveAsync(host, ct);
        if (addresses.Length == 0) throw new HttpRequestException($"{host} did not resolve to any address.");
        if (!allowPrivate && addresses.Any(a => !OutboundAddresses.IsPublic(a))) throw new OutboundAddressRefusedException(host);

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new HttpRequestException($"Could not connect to {host}.", last);
    }
}
