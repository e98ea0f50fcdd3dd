using System.Text.Json;
using Portal.Tokens.Inspection;
using Portal.Tokens.Legacy;
using Portal.Tokens.Wire;

namespace Portal.Tokens.Tests.Vectors;

public sealed class VectorTests
{
    public static TheoryData<string> Buildable007 => VectorFile.Ids(v => v.Format() == "007" && v.Category() == "agora_repo_test");
    public static TheoryData<string> Builder007 => VectorFile.Ids(v => v.Format() == "007" && v.TryGetProperty("builder_equivalent", out _));
    public static TheoryData<string> Buildable006 => VectorFile.Ids(v => v.Format() == "006");
    public static TheoryData<string> Builder006 => VectorFile.Ids(v => v.Format() == "006" && v.TryGetProperty("builder_equivalent", out _));

    internal static string InflatedHex(string token)
    {
        Assert.Null(AccessToken2Codec.TryDecode(token.AsSpan(3), out var content));
        return Convert.ToHexStringLower(content);
    }

    [Theory]
    [MemberData(nameof(Buildable007))]
    public void Raw_inputs_build_the_expected_inflated_payload(string id)
    {
        var v = VectorFile.Get(id);
        var content = RawInputs.Builder007(v.GetProperty("inputs")).BuildContent();
        Assert.Equal(v.Str("expected_payload_hex"), Convert.ToHexStringLower(content));
    }

    [Theory]
    [MemberData(nameof(Buildable007))]
    public void Built_token_inflates_to_the_expected_payload(string id)
    {
        var v = VectorFile.Get(id);
        var token = RawInputs.Builder007(v.GetProperty("inputs")).Build();
        Assert.StartsWith("007", token);
        Assert.Equal(v.Str("expected_payload_hex"), InflatedHex(token));
    }

    [Theory]
    [MemberData(nameof(Buildable007))]
    public void Expected_token_parses_inflates_to_the_payload_and_verifies_with_the_vector_certificate(string id)
    {
        var v = VectorFile.Get(id);
        var token = v.Str("expected_token")!;
        Assert.Equal(v.Str("expected_payload_hex"), InflatedHex(token));
        var parsed = AccessToken2.Parse(token);
        Assert.True(parsed.VerifySignature(v.GetProperty("inputs").Str("appCertificate")!));
        Assert.False(parsed.VerifySignature("00000000000000000000000000000000"));
    }

    [Theory]
    [MemberData(nameof(Buildable007))]
    public void Decoded_json_of_the_expected_token_matches_the_inputs(string id)
    {
        var v = VectorFile.Get(id);
        using var decoded = JsonDocument.Parse(TokenDecodeJson.Decode(v.Str("expected_token")!));
        var d = decoded.RootElement;
        var inputs = v.GetProperty("inputs");
        Assert.Equal("007", d.Str("version"));
        Assert.Equal(inputs.Str("appId"), d.Str("appId"));
        foreach (var field in new[] { "issueTs", "salt", "expire" })
        {
            Assert.Equal(inputs.U32(field), d.U32(field));
        }

        // Services come back in packing order: sorted by type, stable (TOKENS.md §1.5).
        var expected = inputs.GetProperty("services").EnumerateArray()
            .Select(RawInputs.Service).OrderBy(s => s.TypeId).ToArray();
        var actual = d.GetProperty("services").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var reparsed = RawInputs.Service(actual[i]);
            Assert.Equal(expected[i], reparsed);
        }
    }

    [Theory]
    [MemberData(nameof(Builder007))]
    public void Builder_equivalent_builds_the_same_payload(string id)
    {
        var v = VectorFile.Get(id);
        var token = BuilderEquivalents.Build(v.GetProperty("builder_equivalent"));
        Assert.Equal(v.Str("expected_payload_hex"), InflatedHex(token));
    }

    [Fact]
    public void Education_room_user_builder_matches_the_apaas_room_user_vector()
    {
        var v = VectorFile.Get("007-apaas-room-user");
        var token = Builders.EducationTokenBuilder.BuildRoomUser("970CA35de60c44645bbae8a215061b33", "5CFd2fd1755d40ecb72977518be15d3b",
            1111111, 1, "123", "2882341273", 1, 600);
        Assert.Equal(v.Str("expected_payload_hex"), InflatedHex(token));
    }

    [Fact]
    public void Worked_example_has_the_documented_signature()
    {
        var v = VectorFile.Get("007-rtc-join-uid");
        var content = RawInputs.Builder007(v.GetProperty("inputs")).BuildContent();
        Assert.Equal(138, content.Length);
        Assert.Equal("16a0b84c5a5e82cbf74fb813d09f59c54bdac9c06120580539ac97578e958b1a", Convert.ToHexStringLower(content.AsSpan(2, 32)));
    }

    [Theory]
    [MemberData(nameof(Buildable006))]
    public void Raw_006_inputs_build_the_exact_token(string id)
    {
        var v = VectorFile.Get(id);
        Assert.Equal(v.Str("expected_token"), RawInputs.Build006(v.GetProperty("inputs")));
    }

    [Theory]
    [MemberData(nameof(Builder006))]
    public void Legacy_builder_equivalent_builds_the_exact_token(string id)
    {
        var v = VectorFile.Get(id);
        Assert.Equal(v.Str("expected_token"), BuilderEquivalents.Build(v.GetProperty("builder_equivalent")));
    }

    [Theory]
    [MemberData(nameof(Buildable006))]
    public void Expected_006_token_verifies_with_the_signed_channel_and_uid(string id)
    {
        var v = VectorFile.Get(id);
        var inputs = v.GetProperty("inputs");
        var verify = v.GetProperty("verify_options");
        var parsed = AccessToken006.Parse(v.Str("expected_token")!);
        Assert.Equal(inputs.Str("appId"), parsed.AppId);
        Assert.Equal(inputs.U32("salt"), parsed.Salt);
        Assert.Equal(inputs.U32("ts"), parsed.Ts);
        Assert.Equal(RawInputs.Privileges(inputs.GetProperty("privileges")), parsed.Privileges);
        Assert.True(parsed.VerifySignature(inputs.Str("appCertificate")!, verify.Str("channel")!, verify.Str("uid")!));
        Assert.False(parsed.VerifySignature(inputs.Str("appCertificate")!, verify.Str("channel")!, "other"));

        var report = TokenVerifier.Verify(v.Str("expected_token"), new TokenVerifyOptions(inputs.Str("appCertificate")!)
        {
            AppId = inputs.Str("appId"),
            ChannelName = verify.Str("channel"),
            Uid = verify.Str("uid"),
        });
        Assert.True(report.Valid, report.ToJson());
    }

    [Fact]
    public void Parse_only_vector_decodes_to_its_expected_fields()
    {
        var v = VectorFile.Get("007-csharp-online-chat-parse-only");
        var expected = v.GetProperty("expected_fields");
        var parsed = AccessToken2.Parse(v.Str("expected_token")!);
        Assert.Equal(expected.Str("app_id"), parsed.AppId);
        Assert.Equal(expected.U32("issue_ts"), parsed.IssueTs);
        Assert.Equal(expected.U32("expire"), parsed.Expire);
        Assert.Equal(expected.U32("salt"), parsed.Salt);
        var service = Assert.IsType<Services.ChatService>(Assert.Single(parsed.Services));
        var expectedService = expected.GetProperty("services")[0];
        Assert.Equal(expectedService.Str("user_id"), service.UserId);
        Assert.Equal(RawInputs.Privileges(expectedService.GetProperty("privileges")), service.Privileges);
    }

    [Fact]
    public void Malformed_truncated_vector_is_rejected_with_a_typed_error()
    {
        var token = VectorFile.Get("007-malformed-truncated").Str("expected_token")!;
        Assert.False(AccessToken2.TryParse(token, out _, out var error));
        Assert.Equal(TokenFormatCodes.ZlibTruncated, error.Code);
        var ex = Assert.Throws<TokenFormatException>(() => TokenParser.Parse(token));
        Assert.Equal(TokenFormatCodes.ZlibTruncated, ex.Code);
        Assert.False(TokenVerifier.Verify(token, new TokenVerifyOptions("5CFd2fd1755d40ecb72977518be15d3b")).Valid);
    }
}
