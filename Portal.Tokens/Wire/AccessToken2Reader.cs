using Portal.Tokens.Services;

namespace Portal.Tokens.Wire;

/// <summary>Reads inflated AccessToken2 content (TOKENS.md §1.3, §1.11 steps 3-4).</summary>
internal static class AccessToken2Reader
{
    public static TokenFormatError? TryRead(byte[] content, out ParsedAccessToken2? token)
    {
        token = null;
        var r = new PackReader(content);
        var signature = r.Bytes();
        if (r.Error is null && signature.Length != Signer.SignatureLength)
        {
            return Errors.Format(TokenFormatCodes.SignatureLengthInvalid);
        }

        var signingStart = r.Position;
        var appId = r.String();
        var issueTs = r.U32();
        var expire = r.U32();
        var salt = r.U32();
        int count = r.U16();
        // Each service needs at least 4 bytes (type and privilege count): bounds the list up front.
        if (!r.Ensure(4 * count))
        {
            return Errors.Format(r.Error!);
        }

        var services = new List<TokenService>(count);
        for (var i = 0; i < count && r.Error is null; i++)
        {
            var type = r.U16();
            var service = ServiceCodec.Read(ref r, type);
            if (service is null)
            {
                // Unknown body length: stop, and say so explicitly instead of guessing.
                services.Add(new UnknownService(type, r.Remaining));
                break;
            }

            services.Add(service);
        }

        var unknown = services.Count > 0 && services[^1] is UnknownService;
        if (r.Error is not null)
        {
            return Errors.Format(r.Error);
        }

        if (!unknown && r.Remaining != 0)
        {
            return Errors.Format(TokenFormatCodes.ContentTrailingBytes);
        }

        token = new ParsedAccessToken2(appId, issueTs, expire, salt, services)
        {
            Signature = content.AsSpan(2, Signer.SignatureLength).ToArray(),
            SigningInfo = content.AsSpan(signingStart).ToArray(),
        };
        return null;
    }
}
