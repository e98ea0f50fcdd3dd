using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Portal.Tokens.Services;

/// <summary>
/// Privilege id to expiry, always ordered by id ascending: the order every current port packs
/// (TOKENS.md §1.5; the official C# port packs insertion order). Immutable, with value equality.
/// </summary>
public sealed class PrivilegeMap : IReadOnlyDictionary<ushort, uint>, IEquatable<PrivilegeMap>
{
    private readonly ushort[] _ids;
    private readonly uint[] _values;

    private PrivilegeMap(ushort[] ids, uint[] values)
    {
        _ids = ids;
        _values = values;
    }

    /// <summary>The map without privileges.</summary>
    public static PrivilegeMap Empty { get; } = new([], []);

    /// <summary>Creates a map; a repeated id keeps its last value, as a dictionary assignment would.</summary>
    public static PrivilegeMap Of(params ReadOnlySpan<(ushort Id, uint Expire)> privileges)
    {
        if (privileges.IsEmpty)
        {
            return Empty;
        }

        var ids = new ushort[privileges.Length];
        var values = new uint[privileges.Length];
        var n = 0;
        foreach (var (id, expire) in privileges)
        {
            var at = Array.IndexOf(ids, id, 0, n);
            if (at >= 0)
            {
                values[at] = expire;
                continue;
            }

            ids[n] = id;
            values[n++] = expire;
        }

        if (n < ids.Length)
        {
            Array.Resize(ref ids, n);
            Array.Resize(ref values, n);
        }

        Array.Sort(ids, values);
        return new PrivilegeMap(ids, values);
    }

    /// <summary>Creates a map from pairs; a repeated id keeps its last value.</summary>
    public static PrivilegeMap From(IEnumerable<KeyValuePair<ushort, uint>> privileges) =>
        Of(privileges.Select(p => (p.Key, p.Value)).ToArray());

    /// <summary>Ids and values are already sorted, distinct and owned by the map.</summary>
    internal static PrivilegeMap FromSorted(ushort[] ids, uint[] values) => ids.Length == 0 ? Empty : new(ids, values);

    /// <inheritdoc />
    public int Count => _ids.Length;

    /// <summary>Privilege ids, ascending.</summary>
    public IEnumerable<ushort> Keys => _ids;

    /// <summary>Expiries in id order.</summary>
    public IEnumerable<uint> Values => _values;

    /// <inheritdoc />
    public uint this[ushort key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Privilege {key} is not in the map.");

    internal ReadOnlySpan<ushort> IdSpan => _ids;

    internal ReadOnlySpan<uint> ValueSpan => _values;

    /// <inheritdoc />
    public bool ContainsKey(ushort key) => Array.BinarySearch(_ids, key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(ushort key, [MaybeNullWhen(false)] out uint value)
    {
        var i = Array.BinarySearch(_ids, key);
        value = i >= 0 ? _values[i] : 0;
        return i >= 0;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<ushort, uint>> GetEnumerator()
    {
        for (var i = 0; i < _ids.Length; i++)
        {
            yield return new(_ids[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(PrivilegeMap? other) =>
        other is not null && _ids.AsSpan().SequenceEqual(other._ids) && _values.AsSpan().SequenceEqual(other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PrivilegeMap);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < _ids.Length; i++)
        {
            hash.Add(_ids[i]);
            hash.Add(_values[i]);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", this.Select(p => $"{p.Key}: {p.Value}")) + "}";
}
