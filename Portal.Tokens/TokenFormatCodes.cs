namespace Portal.Tokens;

/// <summary>Stable codes of <see cref="TokenFormatError"/>: why a token string could not be parsed.</summary>
public static class TokenFormatCodes
{
    /// <summary>The token is null or empty.</summary>
    public const string TokenEmpty = "token_empty";
    /// <summary>The token is longer than any token whose content fits in the inflate limit.</summary>
    public const string TokenTooLong = "token_too_long";
    /// <summary>The token does not start with a three-digit version.</summary>
    public const string PrefixInvalid = "prefix_invalid";
    /// <summary>The token starts with three digits other than 006 or 007.</summary>
    public const string VersionUnsupported = "version_unsupported";
    /// <summary>The 006 header does not carry a 32-character hexadecimal App ID.</summary>
    public const string AppIdInvalid = "app_id_invalid";
    /// <summary>Not strict standard Base64 (alphabet, padding, length, zero pad bits, no whitespace).</summary>
    public const string Base64Invalid = "base64_invalid";
    /// <summary>The zlib stream is malformed (header, block type, Huffman code, distance).</summary>
    public const string ZlibInvalid = "zlib_invalid";
    /// <summary>The zlib stream ends before its final block or its Adler-32 trailer.</summary>
    public const string ZlibTruncated = "zlib_truncated";
    /// <summary>The zlib Adler-32 trailer does not match the inflated content.</summary>
    public const string ZlibChecksumMismatch = "zlib_checksum_mismatch";
    /// <summary>Bytes follow the end of the zlib stream.</summary>
    public const string ZlibTrailingBytes = "zlib_trailing_bytes";
    /// <summary>The inflated content exceeds the 64 KiB limit.</summary>
    public const string InflatedTooLarge = "inflated_too_large";
    /// <summary>A length or field runs past the end of the content.</summary>
    public const string ContentTruncated = "content_truncated";
    /// <summary>Bytes follow the last field of the content.</summary>
    public const string ContentTrailingBytes = "content_trailing_bytes";
    /// <summary>The signature is not 32 bytes long.</summary>
    public const string SignatureLengthInvalid = "signature_length_invalid";
    /// <summary>A text field is not valid UTF-8.</summary>
    public const string TextInvalidUtf8 = "text_invalid_utf8";
    /// <summary>A privilege map names the same privilege twice.</summary>
    public const string PrivilegeDuplicate = "privilege_duplicate";
}
