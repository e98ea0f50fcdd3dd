using System.Text;
using Portal.Tokens.Services;

namespace Portal.Tokens.Tests.RoundTrip;

/// Valid random inputs for every service type, from a seeded Random so failures reproduce.
internal sealed class RandomInputs(int seed)
{
    private const string Agora89 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,";
    private static readonly string[] Unicode = ["é", "ß", "日本", "Ω", "😀", "ñ", "中文", "a", "-", "_", "0"];

    private readonly Random _rng = new(seed);

    public string Hex32() => string.Concat(Enumerable.Range(0, 32).Select(_ => "0123456789abcdefABCDEF"[_rng.Next(22)]));

    public uint IssueTs() => (uint)_rng.NextInt64(0, 1L << 32);

    public uint Salt() => (uint)_rng.Next(1, 100_000_000);

    public uint Expire() => _rng.Next(4) == 0 ? 86400 : (uint)_rng.Next(1, 86401);

    public uint Uid() => _rng.Next(5) switch
    {
        0 => 0,
        1 => uint.MaxValue,
        2 => (uint)_rng.NextInt64(1L << 31, 1L << 32),
        _ => (uint)_rng.NextInt64(0, 1L << 32),
    };

    public string Channel() => From(Agora89, 1, 63);

    public string Account() => _rng.Next(10) == 0 ? "0" : From(Agora89, 1, _rng.Next(3) == 0 ? 255 : 40);

    public string RtmUser()
    {
        var s = new string(Enumerable.Range(0, _rng.Next(1, 65)).Select(_ => (char)_rng.Next(0x20, 0x7F)).ToArray());
        return s[0] == ' ' ? "u" + s[1..] : s;
    }

    public string UnicodeText(int maxParts)
    {
        var sb = new StringBuilder();
        for (int i = 0, n = _rng.Next(1, maxParts + 1); i < n; i++)
        {
            sb.Append(Unicode[_rng.Next(Unicode.Length)]);
        }

        return sb.ToString();
    }

    public PrivilegeMap Privileges(int maxId, uint expire)
    {
        var items = Enumerable.Range(1, maxId).Where(_ => _rng.Next(3) != 0)
            .Select(id => ((ushort)id, _rng.Next(4) == 0 ? 0u : (uint)_rng.NextInt64(0, expire + 1L))).ToArray();
        return PrivilegeMap.Of(items);
    }

    public TokenService Service(uint expire) => _rng.Next(1, 9) switch
    {
        1 => new RtcService(Channel(), _rng.Next(2) == 0 ? AccessToken2.UidText(Uid()) : Account(), Privileges(4, expire)),
        2 => new RtmService(RtmUser(), Privileges(1, expire)),
        3 => new StreamingService(Channel(), _rng.Next(3) == 0 ? "" : Account(), Privileges(2, expire)),
        4 => new FpaService(Privileges(1, expire)),
        5 => new ChatService(_rng.Next(3) == 0 ? "" : UnicodeText(8), Privileges(2, expire)),
        6 => new FcdnService(Channel(), _rng.Next(3) == 0 ? "" : Account(), Privileges(2, expire)),
        7 => new ApaasService(_rng.Next(3) == 0 ? "" : UnicodeText(6), UnicodeText(6), (short)_rng.Next(short.MinValue, short.MaxValue + 1), Privileges(3, expire)),
        _ => new Rtm2Service(RtmUser(), Permissions(), Privileges(1, expire)),
    };

    public Rtm2Permissions Permissions() => Rtm2Permissions.Create(Enumerable.Range(0, _rng.Next(0, 5)).Select(_ =>
        new Rtm2Permission((ushort)_rng.Next(0, 5), (ushort)_rng.Next(0, 2),
            Enumerable.Range(0, _rng.Next(0, 4)).Select(_ => UnicodeText(4)).ToArray())));

    public int Next(int max) => _rng.Next(max);

    private string From(string alphabet, int min, int max) =>
        new(Enumerable.Range(0, _rng.Next(min, max + 1)).Select(_ => alphabet[_rng.Next(alphabet.Length)]).ToArray());
}
