using System.Security.Cryptography;
using Portal.Tokens;

namespace Portal.Features.TokenIssuance;

/// Token salts from the cryptographic generator, drawn a block at a time. `RandomNumberGenerator.GetInt32` costs one
/// call into OpenSSL per token, about as much as one of the token's HMACs; a per-thread block of 256 random bytes
/// serves up to 64 salts per call. The salt is written into the token in clear, so holding the next few in memory
/// reveals nothing that the tokens themselves do not.
internal static class Salts
{
    private const uint Range = TokenInputRules.MaxSalt; // salts are 1..MaxSalt, as from GetInt32(1, MaxSalt + 1)

    // The largest multiple of Range that fits a uint: values at or above it are drawn again, so every salt is
    // equally likely (the same rejection sampling GetInt32 does).
    private const uint Limit = uint.MaxValue - uint.MaxValue % Range;

    [ThreadStatic] private static byte[]? t_block;
    [ThreadStatic] private static int t_next;

    public static uint Next()
    {
        while (true)
        {
            var block = t_block ??= new byte[256];
            if (t_next == 0 || t_next >= block.Length)
            {
                RandomNumberGenerator.Fill(block);
                t_next = 0;
            }
            var value = BitConverter.ToUInt32(block, t_next);
            t_next += sizeof(uint);
            if (value < Limit) return value % Range + 1;
        }
    }
}
