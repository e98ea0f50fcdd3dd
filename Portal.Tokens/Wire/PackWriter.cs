using System.Buffers.Binary;
using System.Text;
using Portal.Tokens.Services;

namespace Portal.Tokens.Wire;

/// Little-endian packer over a span sized in advance (TOKENS.md §1.2).
internal ref struct PackWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; }

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[Position..], value);
        Position += 2;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[Position..], value);
        Position += 4;
    }

    public void I16(short value)
    {
        BinaryPrimitives.WriteInt16LittleEndian(_buffer[Position..], value);
        Position += 2;
    }

    /// u16 byte length, then the UTF-8 bytes. The caller validated the length (at most 65535).
    public void String(string value)
    {
        var n = Encoding.UTF8.GetBytes(value, _buffer[(Position + 2)..]);
        U16((ushort)n);
        Position += n;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        U16((ushort)value.Length);
        value.CopyTo(_buffer[Position..]);
        Position += value.Length;
    }

    public void Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[Position..]);
        Position += value.Length;
    }

    public void Privileges(PrivilegeMap map)
    {
        U16((ushort)map.Count);
        var ids = map.IdSpan;
        var values = map.ValueSpan;
        for (var i = 0; i < ids.Length; i++)
        {
            U16(ids[i]);
            U32(values[i]);
        }
    }

    public static int StringSize(string value) => 2 + Encoding.UTF8.GetByteCount(value);

    public static int PrivilegesSize(PrivilegeMap map) => 2 + 6 * map.Count;
}
