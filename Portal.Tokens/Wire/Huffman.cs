namespace Portal.Tokens.Wire;

/// Canonical Huffman decoding table: codes per length and symbols ordered by code (RFC 1951 §3.2.2).
internal readonly ref struct Huffman(Span<short> count, Span<short> symbol)
{
    public const int MaxBits = 15;

    public readonly Span<short> Count = count;
    public readonly Span<short> Symbol = symbol;

    /// Returns 0 for a complete code, a positive number for an incomplete one, negative if over-subscribed.
    public int Build(ReadOnlySpan<short> lengths)
    {
        Count.Clear();
        foreach (var l in lengths)
        {
            Count[l]++;
        }

        if (Count[0] == lengths.Length)
        {
            return 0; // no codes: complete but unusable, a decode attempt then fails
        }

        var left = 1;
        for (var len = 1; len <= MaxBits; len++)
        {
            left <<= 1;
            left -= Count[len];
            if (left < 0)
            {
                return left;
            }
        }

        Span<short> offsets = stackalloc short[MaxBits + 1];
        offsets[1] = 0;
        for (var len = 1; len < MaxBits; len++)
        {
            offsets[len + 1] = (short)(offsets[len] + Count[len]);
        }

        for (short s = 0; s < lengths.Length; s++)
        {
            if (lengths[s] != 0)
            {
                Symbol[offsets[lengths[s]]++] = s;
            }
        }

        return left;
    }
}
