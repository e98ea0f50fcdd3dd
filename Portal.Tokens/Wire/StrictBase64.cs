using System.Buffers.Text;

namespace Portal.Tokens.Wire;

/// <summary>
/// Standard-alphabet Base64 with '=' padding (TOKENS.md §1.1), decoded strictly: length a
/// multiple of 4, no whitespace (which Convert and Base64 skip silently), no URL-safe letters,
/// and zero pad bits, so each byte string has exactly one accepted text form.
/// </summary>
internal static class StrictBase64
{
    public static int MaxDecodedLength(int chars) => chars / 4 * 3;

    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> output, out int written)
    {
        written = 0;
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var padding = text.EndsWith("==") ? 2 : text.EndsWith("=") ? 1 : 0;
        var body = text[..^padding];
        foreach (var c in body)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        if (padding > 0 && (Value(body[^1]) & (padding == 2 ? 0x0F : 0x03)) != 0)
        {
            return false;
        }

        return Convert.TryFromBase64Chars(text, output, out written);
    }

    public static int EncodedLength(int bytes) => Base64.GetMaxEncodedToUtf8Length(bytes);

    private static int Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        _ => 63,
    };
}
