using System.Net;

namespace Portal.Security.Outbound;

/// Turns a host name into the addresses an outbound request would connect to. A seam for tests, which make a
/// name resolve to loopback to show that the check runs on the resolved addresses, not on the name.
public interface IOutboundResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

internal sealed class DnsOutboundResolver : IOutboundResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}
