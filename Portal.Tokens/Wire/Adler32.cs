namespace Portal.Tokens.Wire;

/// Adler-32 as used in the zlib trailer (RFC 1950 §2.2); TOKENS.md §1.1.
internal static class Adler32
{
    private const uint Mod = 65521;

    // Largest n such that 255n(n+1)/2 + (n+1)(Mod-1) fits in 32 bits (zlib's NMAX).
    private const int MaxBlock = 5552;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(MaxBlock, data.Length)];
            foreach (var x in chunk)
            {
                a += x;
                b += a;
            }

            a %= Mod;
            b %= Mod;
            data = data[chunk.Length..];
        }

        return (b << 16) | a;
    }
}
