using System.IO.Hashing;
using System.Text;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Tokens.Wire;

/// <summary>Packs and reads 006 content (TOKENS.md §2).</summary>
internal static class AccessToken006Codec
{
    private const int AppIdLength = 32;

    public static string Build(string appId, string certificate, string channel, string uid, uint salt, uint ts, PrivilegeMap privileges)
    {
        var messageLength = 4 + 4 + PackWriter.PrivilegesSize(privileges);
        Span<byte> message = stackalloc byte[messageLength];
        var m = new PackWriter(message);
        m.U32(salt);
        m.U32(ts);
        m.Privileges(privileges);

        Span<byte> signature = stackalloc byte[Signer.SignatureLength];
        Signer.Sign006(certificate, appId, channel, uid, message, signature);

        var contentLength = 2 + Signer.SignatureLength + 4 + 4 + 2 + messageLength;
        Span<byte> content = stackalloc byte[contentLength];
        var w = new PackWriter(content);
        w.Bytes(signature);
        w.U32(Crc32Of(channel));
        w.U32(Crc32Of(uid));
        w.Bytes(message);

        Span<char> chars = stackalloc char[AccessToken006.Version.Length + AppIdLength + (contentLength + 2) / 3 * 4];
        AccessToken006.Version.CopyTo(chars);
        appId.CopyTo(chars[3..]);
        Convert.TryToBase64Chars(content, chars[(3 + AppIdLength)..], out var written);
        return new string(chars[..(3 + AppIdLength + written)]);
    }

    public static TokenFormatError? TryRead(string token, out ParsedAccessToken006? parsed)
    {
        parsed = null;
        if (token.Length < 3 + AppIdLength || TokenInputRules.ValidateAppId(token.Substring(3, AppIdLength)) is not null)
        {
            return Errors.Format(TokenFormatCodes.AppIdInvalid);
        }

        var body = token.AsSpan(3 + AppIdLength);
        if (body.Length > AccessToken2Codec.MaxContentLength / 3 * 4)
        {
            return Errors.Format(TokenFormatCodes.TokenTooLong);
        }

        var content = new byte[StrictBase64.MaxDecodedLength(body.Length)];
        if (body.IsEmpty || !StrictBase64.TryDecode(body, content, out var length))
        {
            return Errors.Format(TokenFormatCodes.Base64Invalid);
        }

        var r = new PackReader(content.AsSpan(0, length));
        var signature = r.Bytes();
        if (r.Error is null && signature.Length != Signer.SignatureLength)
        {
            return Errors.Format(TokenFormatCodes.SignatureLengthInvalid);
        }

        var crcChannel = r.U32();
        var crcUid = r.U32();
        var message = r.Bytes();
        if (r.Error is not null)
        {
            return Errors.Format(r.Error);
        }

        if (r.Remaining != 0)
        {
            return Errors.Format(TokenFormatCodes.ContentTrailingBytes);
        }

        var mr = new PackReader(message);
        var salt = mr.U32();
        var ts = mr.U32();
        var privileges = mr.Privileges();
        if (mr.Error is not null)
        {
            return Errors.Format(mr.Error);
        }

        if (mr.Remaining != 0)
        {
            return Errors.Format(TokenFormatCodes.ContentTrailingBytes);
        }

        parsed = new ParsedAccessToken006(token.Substring(3, AppIdLength), crcChannel, crcUid, salt, ts, privileges)
        {
            Signature = signature.ToArray(),
            Message = message.ToArray(),
        };
        return null;
    }

    private static uint Crc32Of(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        return Crc32.HashToUInt32(bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
    }
}
