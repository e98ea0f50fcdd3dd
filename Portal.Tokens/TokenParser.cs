using System.Diagnostics.CodeAnalysis;
using Portal.Tokens.Legacy;
using Portal.Tokens.Wire;

namespace Portal.Tokens;

/// <summary>Parses a token of either format by its version prefix.</summary>
public static class TokenParser
{
    /// <summary>Parses a 006 or 007 token; throws <see cref="TokenFormatException"/> (only) for malformed input.</summary>
    public static ParsedToken Parse(string token) =>
        TryParse(token, out var parsed, out var error) ? parsed : throw error.ToException();

    /// <summary>Parses a 006 or 007 token; on failure <paramref name="error"/> holds a stable code.</summary>
    public static bool TryParse(string? token, [NotNullWhen(true)] out ParsedToken? parsed, [NotNullWhen(false)] out TokenFormatError? error)
    {
        parsed = null;
        error = TokenPrefix.Check(token, token is null || token.Length < 3 ? AccessToken2.Version : token[..3]);
        if (error is not null)
        {
            return false;
        }

        switch (token![..3])
        {
            case AccessToken2.Version when AccessToken2.TryParse(token, out var t2, out error):
                parsed = t2;
                return true;
            case AccessToken006.Version when AccessToken006.TryParse(token, out var t6, out error):
                parsed = t6;
                return true;
            case AccessToken2.Version or AccessToken006.Version:
                return false;
            default:
                error = Errors.Format(TokenFormatCodes.VersionUnsupported);
                return false;
        }
    }
}
