using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Portal.Tokens.Services;

namespace Portal.Tokens.Wire;

/// <summary>
/// Little-endian reader with a sticky error: after the first failure every read returns a
/// default value, so callers check <see cref="Error"/> once per structure. Every length is
/// checked against the remaining bytes before anything is allocated.
/// </summary>
internal ref struct PackReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public string? Error { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public ushort U16() => Take(2, out var s) ? BinaryPrimitives.ReadUInt16LittleEndian(s) : (ushort)0;

    public uint U32() => Take(4, out var s) ? BinaryPrimitives.ReadUInt32LittleEndian(s) : 0;

    public short I16() => Take(2, out var s) ? BinaryPrimitives.ReadInt16LittleEndian(s) : (short)0;

    public ReadOnlySpan<byte> Bytes() => Take(U16(), out var s) ? s : default;

    public string String()
    {
        var bytes = Bytes();
        if (Error is not null)
        {
            return "";
        }

        if (!Utf8.IsValid(bytes))
        {
            Fail(TokenFormatCodes.TextInvalidUtf8);
            return "";
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// The map as sent may be in any order (TOKENS.md §1.5); it is stored sorted. Duplicates are refused.
    public PrivilegeMap Privileges()
    {
        int count = U16();
        if (Error is not null || !Ensure(6 * count))
        {
            return PrivilegeMap.Empty;
        }

        var ids = new ushort[count];
        var values = new uint[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = U16();
            values[i] = U32();
        }

        Array.Sort(ids, values);
        for (var i = 1; i < count; i++)
        {
            if (ids[i] == ids[i - 1])
            {
                Fail(TokenFormatCodes.PrivilegeDuplicate);
                return PrivilegeMap.Empty;
            }
        }

        return PrivilegeMap.FromSorted(ids, values);
    }

    /// True when at least <paramref name="count"/> bytes remain; otherwise records a truncation.
    public bool Ensure(int count)
    {
        if (Error is not null)
        {
            return false;
        }

        if (count > Remaining)
        {
            Fail(TokenFormatCodes.ContentTruncated);
            return false;
        }

        return true;
    }

    public void Fail(string code) => Error ??= code;

    private bool Take(int count, out ReadOnlySpan<byte> slice)
    {
        if (!Ensure(count))
        {
            slice = default;
            return false;
        }

        slice = _data.Slice(Position, count);
        Position += count;
        return true;
    }
}
