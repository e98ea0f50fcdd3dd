namespace Portal.Tokens.Wire;

/// Messages for the stable format codes, kept in one place so they stay consistent.
internal static class Errors
{
    public static TokenFormatError Format(string code) => new(code, code switch
    {
        TokenFormatCodes.TokenEmpty => "The token is empty.",
        TokenFormatCodes.TokenTooLong => "The token is longer than any valid token.",
        TokenFormatCodes.PrefixInvalid => "The token must start with its version, 006 or 007.",
        TokenFormatCodes.VersionUnsupported => "Only token versions 006 and 007 are supported.",
        TokenFormatCodes.AppIdInvalid => "A 006 token must carry a 32-character hexadecimal App ID after its version.",
        TokenFormatCodes.Base64Invalid => "The token body is not strict standard Base64.",
        TokenFormatCodes.ZlibInvalid => "The token body is not a valid zlib stream.",
        TokenFormatCodes.ZlibTruncated => "The token's zlib stream is truncated.",
        TokenFormatCodes.ZlibChecksumMismatch => "The token's zlib checksum does not match its content.",
        TokenFormatCodes.ZlibTrailingBytes => "Bytes follow the end of the token's zlib stream.",
        TokenFormatCodes.InflatedTooLarge => "The token's content is larger than 64 KiB.",
        TokenFormatCodes.ContentTruncated => "A field of the token runs past the end of its content.",
        TokenFormatCodes.ContentTrailingBytes => "Bytes follow the last field of the token's content.",
        TokenFormatCodes.SignatureLengthInvalid => "The token's signature is not 32 bytes long.",
        TokenFormatCodes.TextInvalidUtf8 => "A text field of the token is not valid UTF-8.",
        TokenFormatCodes.PrivilegeDuplicate => "A privilege appears twice in one service of the token.",
        _ => "The token is malformed.",
    });
}
