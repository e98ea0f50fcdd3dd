using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens;

/// <summary>
/// AccessToken2 ("007"): <c>"007" + Base64(zlib(signature || signing_info))</c> (TOKENS.md §1).
/// Start a token with <see cref="Create(string, string, uint, uint, uint)"/>; read one with <see cref="Parse"/>.
/// </summary>
public static class AccessToken2
{
    /// <summary>The version prefix.</summary>
    public const string Version = AccessToken2Codec.Version;

    /// <summary>
    /// Starts a token. <paramref name="salt"/> must come from a cryptographic generator (1..99999999);
    /// <paramref name="expireSeconds"/> is the lifetime after <paramref name="issueTs"/> (1..86400).
    /// Throws <see cref="TokenInputException"/> for invalid input.
    /// </summary>
    public static AccessToken2Builder Create(string appId, string certificate, uint issueTs, uint salt, uint expireSeconds) =>
        new(appId, certificate, issueTs, salt, expireSeconds);

    /// <summary>Starts a token issued at <paramref name="issuedAt"/> (whole seconds; must fit unsigned 32-bit Unix time).</summary>
    public static AccessToken2Builder Create(string appId, string certificate, DateTimeOffset issuedAt, uint salt, uint expireSeconds)
    {
        TokenInputRules.ThrowIf(TokenInputRules.TryGetIssueTs(issuedAt, out var issueTs));
        return new(appId, certificate, issueTs, salt, expireSeconds);
    }

    /// <summary>Parses a 007 token strictly. Throws <see cref="TokenFormatException"/>, never anything else, for malformed input.</summary>
    public static ParsedAccessToken2 Parse(string token) =>
        TryParse(token, out var parsed, out var error) ? parsed : throw error.ToException();

    /// <summary>Parses a 007 token strictly; on failure <paramref name="error"/> holds a stable code.</summary>
    public static bool TryParse(string? token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParsedAccessToken2? parsed,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out TokenFormatError? error)
    {
        parsed = null;
        error = TokenPrefix.Check(token, Version);
        if (error is null)
        {
            error = AccessToken2Codec.TryDecode(token.AsSpan(Version.Length), out var content)
                ?? AccessToken2Reader.TryRead(content, out parsed);
        }

        return error is null;
    }

    /// <summary>The uid as RTC writes it: unsigned decimal text, and "" for the uid-0 wildcard (TOKENS.md §1.8).</summary>
    public static string UidText(uint uid) => uid == 0 ? "" : uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The service types this engine reads and builds.</summary>
    public static IReadOnlyList<ServiceType> KnownServiceTypes { get; } = Enum.GetValues<ServiceType>();
}
