using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Tokens.Wire;

/// HMAC-SHA256 key derivation and signatures of both formats.
internal static class Signer
{
    public const int SignatureLength = 32;

    /// 007 (TOKENS.md §1.4): k1 = HMAC(u32le(issue_ts), certificate text), k2 = HMAC(u32le(salt), k1),
    /// signature = HMAC(k2, signing_info). Explicit little-endian keys, unlike BitConverter in the C# port.
    public static void Sign007(string certificate, uint issueTs, uint salt, ReadOnlySpan<byte> signingInfo, Span<byte> signature)
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> k1 = stackalloc byte[32];
        Span<byte> k2 = stackalloc byte[32];
        var maxCert = Encoding.UTF8.GetMaxByteCount(certificate.Length);
        Span<byte> cert = maxCert <= 256 ? stackalloc byte[maxCert] : new byte[maxCert];
        var certLength = Encoding.UTF8.GetBytes(certificate, cert);
        BinaryPrimitives.WriteUInt32LittleEndian(key, issueTs);
        HMACSHA256.HashData(key, cert[..certLength], k1);
        BinaryPrimitives.WriteUInt32LittleEndian(key, salt);
        HMACSHA256.HashData(key, k1, k2);
        HMACSHA256.HashData(k2, signingInfo, signature);
        CryptographicOperations.ZeroMemory(cert);
        CryptographicOperations.ZeroMemory(k1);
        CryptographicOperations.ZeroMemory(k2);
    }

    /// 006 (TOKENS.md §2): HMAC(certificate text, app_id || channel || uid || message), plain concatenation.
    public static void Sign006(string certificate, string appId, string channel, string uid, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var utf8 = Encoding.UTF8;
        var length = utf8.GetByteCount(appId) + utf8.GetByteCount(channel) + utf8.GetByteCount(uid) + message.Length;
        Span<byte> input = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var n = utf8.GetBytes(appId, input);
        n += utf8.GetBytes(channel, input[n..]);
        n += utf8.GetBytes(uid, input[n..]);
        message.CopyTo(input[n..]);
        var maxCert = utf8.GetMaxByteCount(certificate.Length);
        Span<byte> cert = maxCert <= 256 ? stackalloc byte[maxCert] : new byte[maxCert];
        var certLength = utf8.GetBytes(certificate, cert);
        HMACSHA256.HashData(cert[..certLength], input, signature);
        CryptographicOperations.ZeroMemory(cert);
    }
}
