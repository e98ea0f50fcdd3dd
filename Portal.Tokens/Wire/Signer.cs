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
        IssueKey.Derive(certificate, issueTs, k1);
        BinaryPrimitives.WriteUInt32LittleEndian(key, salt);
        Hmac.Compute(key, k1, k2);
        Hmac.Compute(k2, signingInfo, signature);
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
        Hmac.Compute(cert[..certLength], input, signature);
        CryptographicOperations.ZeroMemory(cert);
    }

    /// k1 = HMAC(u32le(issue_ts), certificate) is the same for every token a certificate signs within one second, so
    /// each thread remembers the last one: under load that is one HMAC fewer per token. It is a derived key of a
    /// certificate the caller holds in memory anyway, and it is only valid for that second.
    private static class IssueKey
    {
        [ThreadStatic] private static string? t_certificate;
        [ThreadStatic] private static uint t_issueTs;
        [ThreadStatic] private static byte[]? t_k1;

        public static void Derive(string certificate, uint issueTs, Span<byte> k1)
        {
            var cached = t_k1;
            if (cached is not null && t_issueTs == issueTs && string.Equals(t_certificate, certificate, StringComparison.Ordinal))
            {
                cached.CopyTo(k1);
                return;
            }
            Span<byte> key = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, issueTs);
            var maxCert = Encoding.UTF8.GetMaxByteCount(certificate.Length);
            Span<byte> cert = maxCert <= 256 ? stackalloc byte[maxCert] : new byte[maxCert];
            var certLength = Encoding.UTF8.GetBytes(certificate, cert);
            Hmac.Compute(key, cert[..certLength], k1);
            CryptographicOperations.ZeroMemory(cert);
            cached ??= t_k1 = new byte[32];
            k1.CopyTo(cached);
            t_certificate = certificate;
            t_issueTs = issueTs;
        }
    }
}
