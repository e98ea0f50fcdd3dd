using System.Net;
using System.Net.Sockets;

namespace Portal.Security.Outbound;

/// Which addresses an outbound request (webhooks, identity providers, Agora's REST API) may reach without the
/// installation allowing private networks: public unicast only. Loopback, link-local (169.254.0.0/16 holds cloud
/// metadata services), private, carrier-grade NAT, documentation, multicast and reserved ranges are refused, and so
/// is an IPv6 address that embeds one of them (IPv4-mapped, NAT64) or tunnels to IPv4 (6to4, Teredo).
public static class OutboundAddresses
{
    private static readonly (IPAddress Network, int Bits)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8), (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24), (IPAddress.Parse("192.0.2.0"), 24), (IPAddress.Parse("192.88.99.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16), (IPAddress.Parse("198.18.0.0"), 15), (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24), (IPAddress.Parse("224.0.0.0"), 4), (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Bits)[] BlockedV6 =
    [
        // ::/96 holds the unspecified and loopback addresses and the deprecated IPv4-compatible ones (::a.b.c.d).
        (IPAddress.Parse("::"), 96), (IPAddress.Parse("64:ff9b:1::"), 48), (IPAddress.Parse("100::"), 64),
        (IPAddress.Parse("2001::"), 23), (IPAddress.Parse("2001:db8::"), 32), (IPAddress.Parse("2002::"), 16),
        (IPAddress.Parse("fc00::"), 7), (IPAddress.Parse("fe80::"), 10), (IPAddress.Parse("fec0::"), 10), (IPAddress.Parse("ff00::"), 8),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetwork) return !BlockedV4.Any(b => InRange(address, b.Network, b.Bits));
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (InRange(address, Nat64, 96)) return IsPublic(new IPAddress(address.GetAddressBytes()[12..]));
        return !BlockedV6.Any(b => InRange(address, b.Network, b.Bits));
    }

    /// A host name that names this machine whatever DNS says.
    public static bool IsLocalName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static bool InRange(IPAddress address, IPAddress network, int bits)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var whole = bits / 8;
        if (!a.AsSpan(0, whole).SequenceEqual(n.AsSpan(0, whole))) return false;
        var rest = bits % 8;
        if (rest == 0) return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (n[whole] & mask);
    }
}
