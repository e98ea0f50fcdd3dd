using System.Buffers.Binary;
using System.Numerics;

namespace Portal.Tokens.Wire;

/// <summary>
/// A small zlib (RFC 1950) encoder: greedy LZ77 with a one-entry hash table and a single
/// fixed-Huffman block (RFC 1951 §3.2.6). TOKENS.md §1.1 says the compressed bytes are not
/// canonical and every port inflates any valid stream; this one exists because it allocates
/// nothing and is several times faster than creating a ZLibStream per token.
/// </summary>
internal static class ZlibDeflater
{
    private const int HashBits = 10;
    private const int MaxMatch = 258;
    private const int Window = 32768;

    /// Upper bound of the output size: 2 header bytes, at most 9 bits per input byte (a literal
    /// 144..255; matches cost less per byte), end-of-block, padding and the 4-byte trailer.
    public static int MaxOutputLength(int inputLength) => 16 + inputLength + (inputLength >> 1);

    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        // CMF 0x78 = deflate with a 32 KiB window; FLG 0x01 makes CMF*256+FLG a multiple of 31.
        output[0] = 0x78;
        output[1] = 0x01;
        var w = new BitWriter(output, 2);
        w.Write(0b011, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman)

        Span<int> head = stackalloc int[1 << HashBits]; // position + 1; 0 = empty (stackalloc is zeroed)
        var i = 0;
        while (i < input.Length)
        {
            var matchLength = 0;
            var distance = 0;
            if (i + 3 <= input.Length)
            {
                var h = Hash(input, i);
                var candidate = head[h] - 1;
                head[h] = i + 1;
                if (candidate >= 0 && i - candidate <= Window)
                {
                    var max = Math.Min(MaxMatch, input.Length - i);
                    var n = 0;
                    while (n < max && input[candidate + n] == input[i + n])
                    {
                        n++;
                    }

                    if (n >= 3)
                    {
                        matchLength = n;
                        distance = i - candidate;
                    }
                }
            }

            if (matchLength == 0)
            {
                WriteLiteral(ref w, input[i]);
                i++;
                continue;
            }

            WriteLength(ref w, matchLength);
            WriteDistance(ref w, distance);
            for (var j = i + 1; j < i + matchLength && j + 3 <= input.Length; j++)
            {
                head[Hash(input, j)] = j + 1;
            }

            i += matchLength;
        }

        w.WriteHuffman(0, 7); // end of block: symbol 256 is the 7-bit code 0000000
        var written = w.Flush();
        BinaryPrimitives.WriteUInt32BigEndian(output[written..], Adler32.Compute(input));
        return written + 4;
    }

    private static int Hash(ReadOnlySpan<byte> s, int i) =>
        (int)(((uint)(s[i] | (s[i + 1] << 8) | (s[i + 2] << 16)) * 2654435761u) >> (32 - HashBits));

    private static void WriteLiteral(ref BitWriter w, byte b)
    {
        if (b < 144)
        {
            w.WriteHuffman(0x30 + b, 8);
        }
        else
        {
            w.WriteHuffman(0x190 + b - 144, 9);
        }
    }

    private static void WriteLength(ref BitWriter w, int length)
    {
        int symbol, extraBits = 0, extra = 0;
        var n = length - 3;
        if (length == MaxMatch)
        {
            symbol = 285;
        }
        else if (n < 8)
        {
            symbol = 257 + n;
        }
        else
        {
            var hb = 31 - BitOperations.LeadingZeroCount((uint)n);
            extraBits = hb - 2;
            symbol = 257 + 4 * (hb - 1) + ((n >> extraBits) & 3);
            extra = n & ((1 << extraBits) - 1);
        }

        // Symbols 257..279 have 7-bit codes from 0; 280..287 have 8-bit codes from 0xC0.
        if (symbol < 280)
        {
            w.WriteHuffman(symbol - 256, 7);
        }
        else
        {
            w.WriteHuffman(0xC0 + symbol - 280, 8);
        }

        w.Write((uint)extra, extraBits);
    }

    private static void WriteDistance(ref BitWriter w, int distance)
    {
        var n = distance - 1;
        int symbol, extraBits = 0, extra = 0;
        if (n < 4)
        {
            symbol = n;
        }
        else
        {
            var hb = 31 - BitOperations.LeadingZeroCount((uint)n);
            extraBits = hb - 1;
            symbol = 2 * hb + ((n >> extraBits) & 1);
            extra = n & ((1 << extraBits) - 1);
        }

        w.WriteHuffman(symbol, 5);
        w.Write((uint)extra, extraBits);
    }

    private ref struct BitWriter(Span<byte> output, int position)
    {
        private readonly Span<byte> _output = output;
        private int _position = position;
        private ulong _bits;
        private int _count;

        public void Write(uint value, int count)
        {
            _bits |= (ulong)value << _count;
            _count += count;
            while (_count >= 8)
            {
                _output[_position++] = (byte)_bits;
                _bits >>= 8;
                _count -= 8;
            }
        }

        // Huffman codes are defined most-significant bit first but packed starting at the
        // least significant bit of each byte (RFC 1951 §3.1.1), hence the reversal.
        public void WriteHuffman(int code, int length) =>
            Write(ReverseBits((uint)code) >> (32 - length), length);

        public int Flush()
        {
            if (_count > 0)
            {
                _output[_position++] = (byte)_bits;
                _bits = 0;
                _count = 0;
            }

            return _position;
        }

        private static uint ReverseBits(uint v)
        {
            v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
            v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
            v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
            v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
            return (v >> 16) | (v << 16);
        }
    }
}
