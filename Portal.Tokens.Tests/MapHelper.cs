using Portal.Tokens.Services;

namespace Portal.Tokens.Tests;

internal static class MapHelper
{
    /// Tuple literals of ints do not convert to (ushort, uint) inside params spans.
    public static PrivilegeMap Map(params (int Id, long Expire)[] items) =>
        PrivilegeMap.Of(items.Select(i => ((ushort)i.Id, (uint)i.Expire)).ToArray());
}
