using System.Buffers;
using System.Text;
using Portal.Tokens.Services;

namespace Portal.Tokens.Wire;

/// <summary>Packs, signs, compresses and encodes AccessToken2 content (TOKENS.md §1.1-§1.4).</summary>
internal static class AccessToken2Codec
{
    public const string Version = "007";

    /// Largest inflated content the parser accepts; builders refuse to produce more.
    public const int MaxContentLength = 64 * 1024;

    private const int StackLimit = 1024;

    public static int ContentLength(string appId, IReadOnlyList<TokenService> services)
    {
        var size = 2 + Signer.SignatureLength + PackWriter.StringSize(appId) + 4 + 4 + 4 + 2;
        foreach (var s in services)
        {
            size += ServiceCodec.Size(s);
        }

        return size;
    }

    /// Writes content = signature:bytes || signing_info into <paramref name="content"/> (exactly ContentLength bytes).
    public static void WriteContent(Span<byte> content, string appId, string certificate, uint issueTs, uint expire, uint salt, IReadOnlyList<TokenService> services)
    {
        const int signingStart = 2 + Signer.SignatureLength;
        var w = new PackWriter(content[signingStart..]);
        w.String(appId);
        w.U32(issueTs);
        w.U32(expire);
        w.U32(salt);
        w.U16((ushort)services.Count);
        for (var i = 0; i < services.Count; i++)
        {
            ServiceCodec.Write(ref w, services[i]);
        }

        var header = new PackWriter(content);
        header.U16(Signer.SignatureLength);
        Signer.Sign007(certificate, issueTs, salt, content[signingStart..], content[2..signingStart]);
    }

    public static string Encode(ReadOnlySpan<byte> content)
    {
        var maxCompressed = ZlibDeflater.MaxOutputLength(content.Length);
        byte[]? rentedBytes = null;
        var compressed = maxCompressed <= StackLimit ? stackalloc byte[StackLimit] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxCompressed));
        var compressedLength = ZlibDeflater.Compress(content, compressed);

        var charCount = Version.Length + (compressedLength + 2) / 3 * 4;
        char[]? rentedChars = null;
        var chars = charCount <= StackLimit ? stackalloc char[StackLimit] : (rentedChars = ArrayPool<char>.Shared.Rent(charCount));
        Version.CopyTo(chars);
        Convert.TryToBase64Chars(compressed[..compressedLength], chars[Version.Length..], out var written);
        var token = new string(chars[..(Version.Length + written)]);

        if (rentedBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(rentedBytes);
        }

        if (rentedChars is not null)
        {
            ArrayPool<char>.Shared.Return(rentedChars);
        }

        return token;
    }

    /// <summary>Decodes the 007 token text into its inflated content, or reports why it cannot.</summary>
    public static TokenFormatError? TryDecode(ReadOnlySpan<char> base64, out byte[] content)
    {
        content = [];
        // Compressed data cannot usefully be larger than its content plus stored-block overhead.
        if (base64.Length > (MaxContentLength + 1024) / 3 * 4)
        {
            return Errors.Format(TokenFormatCodes.TokenTooLong);
        }

        var compressed = ArrayPool<byte>.Shared.Rent(Math.Max(1, StrictBase64.MaxDecodedLength(base64.Length)));
        var inflated = ArrayPool<byte>.Shared.Rent(MaxContentLength);
        try
        {
            if (base64.IsEmpty || !StrictBase64.TryDecode(base64, compressed, out var compressedLength))
            {
                return Errors.Format(TokenFormatCodes.Base64Invalid);
            }

            var error = ZlibInflater.Inflate(compressed.AsSpan(0, compressedLength), inflated.AsSpan(0, MaxContentLength), out var length);
            if (error is not null)
            {
                return Errors.Format(error);
            }

            content = inflated.AsSpan(0, length).ToArray();
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    public static int Utf8Length(string s) => Encoding.UTF8.GetByteCount(s);
}
