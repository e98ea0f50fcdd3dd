using System.Security.Cryptography;

namespace Portal.Tokens.Wire;

/// HMAC-SHA256 (RFC 2104) composed from two SHA-256 hashes of the platform. The result is the same as
/// <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> (a test compares them on
/// random inputs), but on Linux that one-shot looks the MAC algorithm up in OpenSSL's provider tables on every
/// call, which costs about three SHA-256 hashes of a token's size; a token needs three HMACs.
internal static class Hmac
{
    private const int BlockSize = 64;
    private const int HashSize = 32;
    private const int StackLimit = 1024;

    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        Span<byte> pad = stackalloc byte[BlockSize];
        pad.Clear();
        if (key.Length > BlockSize) SHA256.HashData(key, pad); // long keys are hashed first (RFC 2104 §2)
        else key.CopyTo(pad);

        // inner = SHA256((K ^ ipad) || message)
        var innerLength = BlockSize + message.Length;
        Span<byte> inner = innerLength > StackLimit ? new byte[innerLength] : stackalloc byte[StackLimit];
        inner = inner[..innerLength];
        for (var i = 0; i < BlockSize; i++) inner[i] = (byte)(pad[i] ^ 0x36);
        message.CopyTo(inner[BlockSize..]);

        // outer = SHA256((K ^ opad) || inner)
        Span<byte> outer = stackalloc byte[BlockSize + HashSize];
        SHA256.HashData(inner, outer[BlockSize..]);
        for (var i = 0; i < BlockSize; i++) outer[i] = (byte)(pad[i] ^ 0x5c);
        SHA256.HashData(outer, destination);

        CryptographicOperations.ZeroMemory(pad);
        CryptographicOperations.ZeroMemory(inner[..BlockSize]);
        CryptographicOperations.ZeroMemory(outer);
    }
}
