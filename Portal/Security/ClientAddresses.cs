using System.Net;
using System.Net.Sockets;

namespace Portal.Security;

/// The unit per-address limits count by: an IPv4 address on its own, an IPv6 address by its /64 (the block one
/// subscriber usually holds, so rotating through it buys an attacker nothing).
public static class ClientAddresses
{
    public static string Of(HttpContext? http) => Group(http?.Connection.RemoteIpAddress);

    public static string Group(IPAddress? ip)
    {
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
