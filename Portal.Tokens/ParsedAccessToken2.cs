using System.Security.Cryptography;
using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens;

/// <summary>A parsed AccessToken2 ("007"). Times are unsigned 32-bit Unix seconds; expiries are relative to <see cref="IssueTs"/>.</summary>
/// <param name="AppId">App ID text.</param>
/// <param name="IssueTs">Issue time, Unix seconds.</param>
/// <param name="Expire">Token lifetime in seconds after <see cref="IssueTs"/>.</param>
/// <param name="Salt">Salt.</param>
/// <param name="Services">Services in wire order; an <see cref="UnknownService"/> can only be last.</param>
public sealed record ParsedAccessToken2(string AppId, uint IssueTs, uint Expire, uint Salt, IReadOnlyList<TokenService> Services)
    : ParsedToken(AccessToken2Codec.Version, AppId)
{
    internal byte[] Signature { get; init; } = [];

    // The signed bytes exactly as received: verification never re-serialises (TOKENS.md §1.11 step 3).
    internal byte[] SigningInfo { get; init; } = [];

    /// <summary>The 32-byte signature as lower-case hex.</summary>
    public string SignatureHex => Convert.ToHexStringLower(Signature);

    /// <summary>True when parsing stopped at a service type this engine does not know.</summary>
    public bool HasUnknownService => Services.Count > 0 && Services[^1] is UnknownService;

    /// <summary>Absolute expiry of the whole token: issue time + lifetime, Unix seconds.</summary>
    public ulong ExpiresAtUnix => (ulong)IssueTs + Expire;

    /// <summary>
    /// Recomputes the signature with <paramref name="certificate"/> and compares in constant time.
    /// Throws <see cref="TokenInputException"/> (certificate_invalid) if it is not 32 hex characters.
    /// </summary>
    public bool VerifySignature(string certificate)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateCertificate(certificate));
        Span<byte> expected = stackalloc byte[Signer.SignatureLength];
        Signer.Sign007(certificate, IssueTs, Salt, SigningInfo, expected);
        return CryptographicOperations.FixedTimeEquals(expected, Signature);
    }
}
