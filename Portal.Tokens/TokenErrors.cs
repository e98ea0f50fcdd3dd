namespace Portal.Tokens;

/// <summary>Why builder input was refused: a stable <see cref="Code"/> (see <see cref="TokenInputCodes"/>) and a human message.</summary>
/// <param name="Code">Stable, machine-readable code, e.g. <c>channel_too_long</c>.</param>
/// <param name="Message">Human-readable explanation; never contains the certificate.</param>
/// <param name="Field">The argument it concerns (e.g. <c>channelName</c>), when there is one.</param>
public sealed record TokenInputError(string Code, string Message, string? Field = null)
{
    /// <summary>Returns the error as an exception, for callers that throw.</summary>
    public TokenInputException ToException() => new(this);
}

/// <summary>Why a token string could not be parsed: a stable <see cref="Code"/> (see <see cref="TokenFormatCodes"/>) and a message.</summary>
/// <param name="Code">Stable, machine-readable code, e.g. <c>zlib_truncated</c>.</param>
/// <param name="Message">Human-readable explanation.</param>
public sealed record TokenFormatError(string Code, string Message)
{
    /// <summary>Returns the error as an exception, for callers that throw.</summary>
    public TokenFormatException ToException() => new(this);
}

/// <summary>Thrown by builders when an argument breaks an input rule (TOKENS.md §1.10).</summary>
public sealed class TokenInputException : ArgumentException
{
    /// <summary>Creates the exception from an error.</summary>
    public TokenInputException(TokenInputError error)
        : base(error.Message, error.Field) => Error = error;

    /// <summary>The error, with its stable code.</summary>
    public TokenInputError Error { get; }

    /// <summary>Stable code, see <see cref="TokenInputCodes"/>.</summary>
    public string Code => Error.Code;
}

/// <summary>Thrown by <c>Parse</c> methods when a token string is malformed.</summary>
public sealed class TokenFormatException : FormatException
{
    /// <summary>Creates the exception from an error.</summary>
    public TokenFormatException(TokenFormatError error)
        : base(error.Message) => Error = error;

    /// <summary>The error, with its stable code.</summary>
    public TokenFormatError Error { get; }

    /// <summary>Stable code, see <see cref="TokenFormatCodes"/>.</summary>
    public string Code => Error.Code;
}
