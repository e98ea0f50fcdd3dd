using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens.Legacy;

/// <summary>A parsed 006 token. Times are absolute Unix seconds.</summary>
/// <param name="AppId">App ID from the token's header.</param>
/// <param name="CrcChannelName">CRC-32 of the signed channel name.</param>
/// <param name="CrcUid">CRC-32 of the signed uid text.</param>
/// <param name="Salt">Salt.</param>
/// <param name="Ts">Message timestamp (ports write issue time + 24 h).</param>
/// <param name="Privileges">Privilege id (see <see cref="Privilege006"/>) to absolute expiry; 0 = never.</param>
public sealed record ParsedAccessToken006(string AppId, uint CrcChannelName, uint CrcUid, uint Salt, uint Ts, PrivilegeMap Privileges)
    : ParsedToken(AccessToken006.Version, AppId)
{
    internal byte[] Signature { get; init; } = [];

    internal byte[] Message { get; init; } = [];

    /// <summary>The 32-byte signature as lower-case hex.</summary>
    public string SignatureHex => Convert.ToHexStringLower(Signature);

    /// <summary>True when the CRC-32s match <paramref name="channelName"/> and <paramref name="uid"/> (uid text, "" for the wildcard).</summary>
    public bool Matches(string channelName, string uid) =>
        Crc32.HashToUInt32(Encoding.UTF8.GetBytes(channelName)) == CrcChannelName && Crc32.HashToUInt32(Encoding.UTF8.GetBytes(uid)) == CrcUid;

    /// <summary>
    /// Recomputes the signature over App ID, channel, uid and message, compared in constant time
    /// (and checks the CRC-32s). Throws <see cref="TokenInputException"/> for a malformed certificate.
    /// </summary>
    public bool VerifySignature(string certificate, string channelName, string uid)
    {
        TokenInputRules.ThrowIf(TokenInputRules.ValidateCertificate(certificate));
        ArgumentNullException.ThrowIfNull(channelName);
        ArgumentNullException.ThrowIfNull(uid);
        Span<byte> expected = stackalloc byte[Signer.SignatureLength];
        Signer.Sign006(certificate, AppId, channelName, uid, Message, expected);
        return CryptographicOperations.FixedTimeEquals(expected, Signature) & Matches(channelName, uid);
    }
}
