namespace Portal.Tokens.Wire;

internal static class TokenPrefix
{
    /// Checks emptiness and the 3-digit version prefix.
    public static TokenFormatError? Check(string? token, string expected)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Errors.Format(TokenFormatCodes.TokenEmpty);
        }

        if (token.Length < 3 || token.AsSpan(0, 3).ContainsAnyExceptInRange('0', '9'))
        {
            return Errors.Format(TokenFormatCodes.PrefixInvalid);
        }

        return token.StartsWith(expected, StringComparison.Ordinal) ? null : Errors.Format(TokenFormatCodes.VersionUnsupported);
    }
}
