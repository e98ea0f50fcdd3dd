using System.Buffers.Binary;
using System.IO.Compression;
using Portal.Tokens.Inspection;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens.Tests.Parsing;

public sealed class MalformedTokenTests
{
    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string Cert = "5CFd2fd1755d40ecb72977518be15d3b";

    private static byte[] ValidContent() =>
        AccessToken2.Create(AppId, Cert, 1111111, 1, 600).WithRtc("chan", 7u, RtcPrivileges.Subscriber(600)).BuildContent();

    private static byte[] Zlib(byte[] content)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(content);
        }

        return ms.ToArray();
    }

    private static string Token(byte[] zlib) => "007" + Convert.ToBase64String(zlib);

    private static void AssertCode(string code, string? token)
    {
        Assert.False(TokenParser.TryParse(token, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        if (token is not null)
        {
            Assert.Equal(code, Assert.Throws<TokenFormatException>(() => TokenParser.Parse(token)).Code);
        }

        var report = TokenVerifier.Verify(token, new TokenVerifyOptions(Cert));
        Assert.False(report.Valid);
        Assert.Equal(code, report.FormatError!.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_token_is_token_empty(string? token) => AssertCode(TokenFormatCodes.TokenEmpty, token);

    [Theory]
    [InlineData("07")]
    [InlineData("abcdef")]
    [InlineData("0O7eJxTYBBbsMM")]
    public void Token_without_a_digit_version_is_prefix_invalid(string token) => AssertCode(TokenFormatCodes.PrefixInvalid, token);

    [Theory]
    [InlineData("008eJxTYBBbsMM")]
    [InlineData("005abc")]
    public void Other_versions_are_version_unsupported(string token) => AssertCode(TokenFormatCodes.VersionUnsupported, token);

    [Fact]
    public void Header_without_a_hex_app_id_is_app_id_invalid() => AssertCode(TokenFormatCodes.AppIdInvalid, "006zz0CA35de60c44645bbae8a215061b33IACx");

    [Theory]
    [InlineData("007")]
    [InlineData("007eJxTYBBbsMM ")]
    [InlineData("007eJxT YBBbsMM")]
    [InlineData("007eJxTYBBbsM")]
    [InlineData("007eJx-_BBbsMM")]
    [InlineData("007QR==")]
    [InlineData("007====")]
    public void Non_strict_base64_is_base64_invalid(string token) => AssertCode(TokenFormatCodes.Base64Invalid, token);

    [Fact]
    public void Bad_zlib_header_or_block_type_is_zlib_invalid()
    {
        AssertCode(TokenFormatCodes.ZlibInvalid, Token([0x00, 0x00, 0x01, 0x02]));
        AssertCode(TokenFormatCodes.ZlibInvalid, Token([0x78, 0xBB, 0x00, 0x00, 0x00, 0x00])); // preset dictionary flag
        AssertCode(TokenFormatCodes.ZlibInvalid, Token([0x78, 0x9C, 0x07, 0x00, 0x00, 0x00]));  // block type 3
    }

    [Fact]
    public void Cut_zlib_stream_is_zlib_truncated()
    {
        var z = Zlib(ValidContent());
        AssertCode(TokenFormatCodes.ZlibTruncated, Token(z[..^2]));
        AssertCode(TokenFormatCodes.ZlibTruncated, Token(z[..(z.Length / 2)]));
    }

    [Fact]
    public void Wrong_adler32_is_zlib_checksum_mismatch()
    {
        var z = Zlib(ValidContent());
        z[^1] ^= 0x01;
        AssertCode(TokenFormatCodes.ZlibChecksumMismatch, Token(z));
    }

    [Fact]
    public void Bytes_after_the_zlib_stream_are_zlib_trailing_bytes()
    {
        var z = Zlib(ValidContent());
        AssertCode(TokenFormatCodes.ZlibTrailingBytes, Token([.. z, 0x00]));
        AssertCode(TokenFormatCodes.ZlibTrailingBytes, Token([.. z, .. z[^4..]]));
    }

    [Fact]
    public void Content_over_64_KiB_is_inflated_too_large() =>
        AssertCode(TokenFormatCodes.InflatedTooLarge, Token(Zlib(new byte[64 * 1024 + 1])));

    [Fact]
    public void A_zip_bomb_is_refused_without_inflating_it_all() =>
        AssertCode(TokenFormatCodes.InflatedTooLarge, Token(Zlib(new byte[50 * 1024 * 1024])));

    [Fact]
    public void Overlong_token_text_is_token_too_long() =>
        AssertCode(TokenFormatCodes.TokenTooLong, "007" + new string('A', 200_000));

    [Fact]
    public void Lengths_past_the_buffer_are_content_truncated()
    {
        var c = ValidContent();
        AssertCode(TokenFormatCodes.ContentTruncated, Token(Zlib(c[..^3])));
        AssertCode(TokenFormatCodes.ContentTruncated, Token(Zlib(c[..20])));
        var huge = (byte[])c.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(huge.AsSpan(80), 60000); // service count
        AssertCode(TokenFormatCodes.ContentTruncated, Token(Zlib(huge)));
    }

    [Fact]
    public void Bytes_after_the_last_service_are_content_trailing_bytes() =>
        AssertCode(TokenFormatCodes.ContentTrailingBytes, Token(Zlib([.. ValidContent(), 0x00])));

    [Fact]
    public void A_signature_that_is_not_32_bytes_is_signature_length_invalid()
    {
        var c = ValidContent();
        AssertCode(TokenFormatCodes.SignatureLengthInvalid, Token(Zlib([0x10, 0x00, .. c[2..18], .. c[34..]])));
    }

    [Fact]
    public void Invalid_utf8_text_is_text_invalid_utf8()
    {
        var c = ValidContent();
        c[36] = 0xFF; // first byte of the App ID
        AssertCode(TokenFormatCodes.TextInvalidUtf8, Token(Zlib(c)));
    }

    [Fact]
    public void A_privilege_listed_twice_is_privilege_duplicate()
    {
        var c = AccessToken2.Create(AppId, Cert, 1, 1, 600).WithRtc("chan", 7u, RtcPrivileges.Each(600, 600, 600, 600)).BuildContent();
        // privilege map starts after type (82..84) and count (84..86): ids at 86, 92, 98, 104
        c[92] = 1;
        AssertCode(TokenFormatCodes.PrivilegeDuplicate, Token(Zlib(c)));
    }

    [Fact]
    public void Malformed_006_bodies_give_typed_errors()
    {
        var token = RtcTokenBuilder006.BuildWithUid(AppId, Cert, 1, 1111111, "chan", 7, RtcRole006.Publisher, 1446455471);
        var content = Convert.FromBase64String(token[35..]);
        string With(byte[] c) => token[..35] + Convert.ToBase64String(c);
        AssertCode(TokenFormatCodes.ContentTruncated, With(content[..^1]));
        AssertCode(TokenFormatCodes.ContentTrailingBytes, With([.. content, 0]));
        AssertCode(TokenFormatCodes.Base64Invalid, token[..35]);
        AssertCode(TokenFormatCodes.Base64Invalid, token + " ");
    }

    [Fact]
    public void An_unknown_service_type_after_known_ones_is_reported_explicitly_and_still_verifies()
    {
        var c = ValidContent();
        // Append service type 9 (npm-only ConvoAI) with an empty privilege map, bump the count, re-sign.
        byte[] content = [.. c, 9, 0, 0, 0];
        content[80] = 2;
        Signer.Sign007(Cert, 1111111, 1, content.AsSpan(34), content.AsSpan(2, 32));
        var token = Token(Zlib(content));

        var parsed = AccessToken2.Parse(token);
        Assert.True(parsed.HasUnknownService);
        Assert.IsType<RtcService>(parsed.Services[0]);
        Assert.Equal(new UnknownService(9, 2), parsed.Services[1]);
        Assert.True(parsed.VerifySignature(Cert));
        Assert.Contains("\"unknown\"", TokenDecodeJson.Decode(token));

        var report = TokenVerifier.Verify(token, new TokenVerifyOptions(Cert));
        Assert.True(report.Valid);
        Assert.Equal(TokenCheckStatus.Warning, report.Checks.Single(x => x.Name == "services").Status);
    }
}
