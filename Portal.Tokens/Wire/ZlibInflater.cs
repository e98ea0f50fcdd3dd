using System.Buffers.Binary;

namespace Portal.Tokens.Wire;

/// <summary>
/// A strict zlib (RFC 1950/1951) decoder in the manner of zlib's "puff": it must see the end
/// of the final block, a matching Adler-32 and nothing after it, and it never writes more than
/// the output span. .NET's ZLibStream returns partial data for truncated input and ignores
/// trailing bytes (TOKENS.md §1.11 step 2), which a strict parser cannot accept.
/// </summary>
internal ref struct ZlibInflater
{
    private static ReadOnlySpan<short> LengthBase => [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
    private static ReadOnlySpan<byte> LengthExtra => [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
    private static ReadOnlySpan<short> DistanceBase => [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
    private static ReadOnlySpan<byte> DistanceExtra => [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
    private static ReadOnlySpan<byte> CodeLengthOrder => [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

    private readonly ReadOnlySpan<byte> _input;
    private readonly Span<byte> _output;
    private int _in;
    private int _out;
    private uint _bitBuffer;
    private int _bitCount;

    private ZlibInflater(ReadOnlySpan<byte> input, Span<byte> output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Inflates <paramref name="input"/>; returns null on success or a TokenFormatCodes value.</summary>
    public static string? Inflate(ReadOnlySpan<byte> input, Span<byte> output, out int written)
    {
        var z = new ZlibInflater(input, output);
        var error = z.Run();
        written = z._out;
        return error;
    }

    private string? Run()
    {
        if (_input.Length < 2)
        {
            return TokenFormatCodes.ZlibTruncated;
        }

        int cmf = _input[0], flg = _input[1];
        // Method 8 (deflate), window <= 32 KiB, header check, and no preset dictionary.
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0)
        {
            return TokenFormatCodes.ZlibInvalid;
        }

        _in = 2;
        int last;
        do
        {
            if (!TryBits(1, out var final) || !TryBits(2, out var type))
            {
                return TokenFormatCodes.ZlibTruncated;
            }

            last = final;
            var error = type switch
            {
                0 => Stored(),
                1 => Fixed(),
                2 => Dynamic(),
                _ => TokenFormatCodes.ZlibInvalid,
            };
            if (error is not null)
            {
                return error;
            }
        }
        while (last == 0);

        // The trailer starts at the next byte boundary. Encoders write zero padding bits; requiring
        // that keeps the accepted encodings of a token from differing in bits that decode to nothing.
        if (_bitBuffer != 0)
        {
            return TokenFormatCodes.ZlibInvalid;
        }

        if (_input.Length - _in < 4)
        {
            return TokenFormatCodes.ZlibTruncated;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(_input[_in..]) != Adler32.Compute(_output[.._out]))
        {
            return TokenFormatCodes.ZlibChecksumMismatch;
        }

        return _in + 4 == _input.Length ? null : TokenFormatCodes.ZlibTrailingBytes;
    }

    private bool TryBits(int need, out int value)
    {
        var buffer = _bitBuffer;
        while (_bitCount < need)
        {
            if (_in == _input.Length)
            {
                value = 0;
                return false;
            }

            buffer |= (uint)_input[_in++] << _bitCount;
            _bitCount += 8;
        }

        value = (int)(buffer & ((1u << need) - 1));
        _bitBuffer = buffer >> need;
        _bitCount -= need;
        return true;
    }

    private string? Stored()
    {
        if (_bitBuffer != 0)
        {
            return TokenFormatCodes.ZlibInvalid; // alignment bits must be zero (see Run)
        }

        _bitBuffer = 0;
        _bitCount = 0;
        if (_input.Length - _in < 4)
        {
            return TokenFormatCodes.ZlibTruncated;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(_input[_in..]);
        int complement = BinaryPrimitives.ReadUInt16LittleEndian(_input[(_in + 2)..]);
        _in += 4;
        if (length != (~complement & 0xFFFF))
        {
            return TokenFormatCodes.ZlibInvalid;
        }

        if (_input.Length - _in < length)
        {
            return TokenFormatCodes.ZlibTruncated;
        }

        if (_output.Length - _out < length)
        {
            return TokenFormatCodes.InflatedTooLarge;
        }

        _input.Slice(_in, length).CopyTo(_output[_out..]);
        _in += length;
        _out += length;
        return null;
    }

    private string? Fixed()
    {
        Span<short> lengths = stackalloc short[288 + 30];
        lengths[..144].Fill(8);
        lengths[144..256].Fill(9);
        lengths[256..280].Fill(7);
        lengths[280..288].Fill(8);
        lengths[288..].Fill(5);
        return Codes(lengths[..288], lengths[288..], isFixed: true);
    }

    private string? Dynamic()
    {
        if (!TryBits(5, out var nlen) || !TryBits(5, out var ndist) || !TryBits(4, out var ncode))
        {
            return TokenFormatCodes.ZlibTruncated;
        }

        nlen += 257;
        ndist += 1;
        ncode += 4;
        if (nlen > 286 || ndist > 30)
        {
            return TokenFormatCodes.ZlibInvalid;
        }

        Span<short> lengths = stackalloc short[320];
        for (var i = 0; i < ncode; i++)
        {
            if (!TryBits(3, out var l))
            {
                return TokenFormatCodes.ZlibTruncated;
            }

            lengths[CodeLengthOrder[i]] = (short)l;
        }

        Span<short> count = stackalloc short[Huffman.MaxBits + 1];
        Span<short> symbol = stackalloc short[19];
        var lencode = new Huffman(count, symbol);
        if (lencode.Build(lengths[..19]) != 0)
        {
            return TokenFormatCodes.ZlibInvalid; // the code-length code must be complete
        }

        lengths[..19].Clear();
        var index = 0;
        while (index < nlen + ndist)
        {
            var sym = Decode(lencode);
            if (sym < 0)
            {
                return sym == -1 ? TokenFormatCodes.ZlibTruncated : TokenFormatCodes.ZlibInvalid;
            }

            if (sym < 16)
            {
                lengths[index++] = (short)sym;
                continue;
            }

            short value = 0;
            int repeat;
            bool ok;
            if (sym == 16)
            {
                if (index == 0)
                {
                    return TokenFormatCodes.ZlibInvalid;
                }

                value = lengths[index - 1];
                ok = TryBits(2, out repeat);
                repeat += 3;
            }
            else if (sym == 17)
            {
                ok = TryBits(3, out repeat);
                repeat += 3;
            }
            else
            {
                ok = TryBits(7, out repeat);
                repeat += 11;
            }

            if (!ok)
            {
                return TokenFormatCodes.ZlibTruncated;
            }

            if (index + repeat > nlen + ndist)
            {
                return TokenFormatCodes.ZlibInvalid;
            }

            lengths.Slice(index, repeat).Fill(value);
            index += repeat;
        }

        return lengths[256] == 0 ? TokenFormatCodes.ZlibInvalid : Codes(lengths[..nlen], lengths.Slice(nlen, ndist), isFixed: false);
    }

    private string? Codes(scoped ReadOnlySpan<short> literalLengths, scoped ReadOnlySpan<short> distanceLengths, bool isFixed)
    {
        Span<short> lcount = stackalloc short[Huffman.MaxBits + 1];
        Span<short> lsymbol = stackalloc short[288];
        Span<short> dcount = stackalloc short[Huffman.MaxBits + 1];
        Span<short> dsymbol = stackalloc short[30];
        var lencode = new Huffman(lcount, lsymbol);
        var distcode = new Huffman(dcount, dsymbol);
        // Dynamic codes may be incomplete only as a single one-bit code (as in zlib's puff.c);
        // the fixed distance code is incomplete by definition (30 of 32 five-bit codes).
        var err = lencode.Build(literalLengths);
        if (!isFixed && (err < 0 || (err > 0 && literalLengths.Length - lcount[0] != 1)))
        {
            return TokenFormatCodes.ZlibInvalid;
        }

        err = distcode.Build(distanceLengths);
        if (!isFixed && (err < 0 || (err > 0 && distanceLengths.Length - dcount[0] != 1)))
        {
            return TokenFormatCodes.ZlibInvalid;
        }

        while (true)
        {
            var sym = Decode(lencode);
            if (sym < 0)
            {
                return sym == -1 ? TokenFormatCodes.ZlibTruncated : TokenFormatCodes.ZlibInvalid;
            }

            if (sym < 256)
            {
                if (_out == _output.Length)
                {
                    return TokenFormatCodes.InflatedTooLarge;
                }

                _output[_out++] = (byte)sym;
                continue;
            }

            if (sym == 256)
            {
                return null;
            }

            sym -= 257;
            if (sym >= 29)
            {
                return TokenFormatCodes.ZlibInvalid;
            }

            if (!TryBits(LengthExtra[sym], out var extra))
            {
                return TokenFormatCodes.ZlibTruncated;
            }

            var length = LengthBase[sym] + extra;
            var dsym = Decode(distcode);
            if (dsym < 0)
            {
                return dsym == -1 ? TokenFormatCodes.ZlibTruncated : TokenFormatCodes.ZlibInvalid;
            }

            if (dsym >= 30)
            {
                return TokenFormatCodes.ZlibInvalid;
            }

            if (!TryBits(DistanceExtra[dsym], out extra))
            {
                return TokenFormatCodes.ZlibTruncated;
            }

            var distance = DistanceBase[dsym] + extra;
            if (distance > _out)
            {
                return TokenFormatCodes.ZlibInvalid;
            }

            if (_output.Length - _out < length)
            {
                return TokenFormatCodes.InflatedTooLarge;
            }

            // Byte by byte: a match may overlap the bytes it is producing.
            for (var i = 0; i < length; i++, _out++)
            {
                _output[_out] = _output[_out - distance];
            }
        }
    }

    /// Returns the symbol, -1 when input ran out, -2 for a code that is not in the table.
    private int Decode(scoped Huffman h)
    {
        int code = 0, first = 0, index = 0;
        for (var len = 1; len <= Huffman.MaxBits; len++)
        {
            if (!TryBits(1, out var bit))
            {
                return -1;
            }

            code |= bit;
            int count = h.Count[len];
            if (code - count < first)
            {
                return h.Symbol[index + (code - first)];
            }

            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }

        return -2;
    }
}
