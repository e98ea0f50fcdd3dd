using Portal.Tokens.Builders;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;
using static Portal.Tokens.Tests.MapHelper;

namespace Portal.Tokens.Tests.Inputs;

public sealed class InputRuleTests
{
    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string Cert = "5CFd2fd1755d40ecb72977518be15d3b";

    private static void Throws(string code, Action build) =>
        Assert.Equal(code, Assert.Throws<TokenInputException>(build).Code);

    private static AccessToken2Builder Start(uint expire = 600) => AccessToken2.Create(AppId, Cert, 1111111, 1, expire);

    [Theory]
    [InlineData("")]
    [InlineData("970CA35de60c44645bbae8a215061b3")]
    [InlineData("970CA35de60c44645bbae8a215061b33a")]
    [InlineData("970CA35de60c44645bbae8a215061b3g")]
    public void A_malformed_app_id_is_app_id_invalid(string appId)
    {
        Assert.Equal(TokenInputCodes.AppIdInvalid, TokenInputRules.ValidateAppId(appId)!.Code);
        Throws(TokenInputCodes.AppIdInvalid, () => AccessToken2.Create(appId, Cert, 1, 1, 600));
        Throws(TokenInputCodes.AppIdInvalid, () => RtcTokenBuilder006.BuildWithUid(appId, Cert, 1, 1, "c", 1, RtcRole006.Publisher, 1));
    }

    [Fact]
    public void A_malformed_certificate_is_certificate_invalid_and_the_message_does_not_echo_it()
    {
        var error = TokenInputRules.ValidateCertificate("secret-not-hex")!;
        Assert.Equal(TokenInputCodes.CertificateInvalid, error.Code);
        Assert.DoesNotContain("secret", error.Message);
        Throws(TokenInputCodes.CertificateInvalid, () => ChatTokenBuilder.BuildApp(AppId, "x", 1, 1, 600));
        Throws(TokenInputCodes.CertificateInvalid, () => Inspection.TokenVerifier.Verify("007", new("bad")));
    }

    [Fact]
    public void Channel_names_follow_the_64_byte_89_character_rule()
    {
        Throws(TokenInputCodes.ChannelEmpty, () => Start().WithRtc("", 1u, RtcPrivileges.Publisher(0)));
        Throws(TokenInputCodes.ChannelTooLong, () => Start().WithRtc(new string('a', 64), 1u, RtcPrivileges.Publisher(0)));
        Throws(TokenInputCodes.ChannelInvalidCharacter, () => Start().WithRtc("a/b", 1u, RtcPrivileges.Publisher(0)));
        Throws(TokenInputCodes.ChannelInvalidCharacter, () => Start().WithRtc("café", 1u, RtcPrivileges.Publisher(0)));
        Start().WithRtc(new string('a', 63), 1u, RtcPrivileges.Publisher(0));
        Start().WithRtc("a !#$%&()+-:;<=.>?@[]^_{}|~,Z9", 1u, RtcPrivileges.Publisher(0));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(4294967296L)]
    public void Uids_outside_unsigned_32_bits_are_uid_out_of_range(long uid)
    {
        Assert.Equal(TokenInputCodes.UidOutOfRange, TokenInputRules.ValidateUid(uid)!.Code);
        Assert.Equal(TokenInputCodes.UidOutOfRange, TokenInputRules.TryParseUid(uid.ToString(), out _)!.Code);
    }

    [Fact]
    public void Uid_text_parses_the_full_unsigned_range()
    {
        Assert.Null(TokenInputRules.TryParseUid("4294967295", out var max));
        Assert.Equal(uint.MaxValue, max);
        Assert.NotNull(TokenInputRules.TryParseUid("+5", out _));
        Assert.NotNull(TokenInputRules.TryParseUid(" 5", out _));
    }

    [Fact]
    public void Accounts_must_be_1_to_255_characters_of_the_89_character_set()
    {
        Throws(TokenInputCodes.AccountInvalid, () => Start().WithRtc("c", "", RtcPrivileges.Publisher(0)));
        Throws(TokenInputCodes.AccountInvalid, () => Start().WithRtc("c", new string('a', 256), RtcPrivileges.Publisher(0)));
        Throws(TokenInputCodes.AccountInvalid, () => Start().WithRtc("c", "ü", RtcPrivileges.Publisher(0)));
        Start().WithRtc("c", new string('a', 255), RtcPrivileges.Publisher(0));
    }

    [Fact]
    public void Rtm_user_ids_must_be_printable_ascii_up_to_64_without_a_leading_space()
    {
        Throws(TokenInputCodes.RtmUserInvalid, () => RtmTokenBuilder.Build(AppId, Cert, 1, 1, "", 600));
        Throws(TokenInputCodes.RtmUserInvalid, () => RtmTokenBuilder.Build(AppId, Cert, 1, 1, " x", 600));
        Throws(TokenInputCodes.RtmUserInvalid, () => RtmTokenBuilder.Build(AppId, Cert, 1, 1, new string('u', 65), 600));
        Throws(TokenInputCodes.RtmUserInvalid, () => RtmTokenBuilder.Build(AppId, Cert, 1, 1, "ü", 600));
        Throws(TokenInputCodes.RtmUserInvalid, () => RtmTokenBuilder006.Build(AppId, Cert, 1, 1, "", 1));
    }

    [Fact]
    public void Chat_user_ids_must_be_non_empty_without_control_characters()
    {
        Throws(TokenInputCodes.ChatUserInvalid, () => ChatTokenBuilder.BuildUser(AppId, Cert, 1, 1, "", 600));
        Throws(TokenInputCodes.ChatUserInvalid, () => ChatTokenBuilder.BuildUser(AppId, Cert, 1, 1, "a\nb", 600));
        ChatTokenBuilder.BuildUser(AppId, Cert, 1, 1, "4ac3bae0-6f9e-11ec-8c27-8dc232279082", 600);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(86401u)]
    public void Lifetimes_outside_1_to_86400_are_expire_out_of_range(uint expire) =>
        Throws(TokenInputCodes.ExpireOutOfRange, () => RtmTokenBuilder.Build(AppId, Cert, 1, 1, "u", expire));

    [Fact]
    public void A_privilege_longer_than_the_token_is_privilege_expire_out_of_range() =>
        Throws(TokenInputCodes.PrivilegeExpireOutOfRange, () => RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", 1, RtcRole.Publisher, 600, 601));

    [Fact]
    public void An_undefined_privilege_id_is_privilege_unknown()
    {
        Throws(TokenInputCodes.PrivilegeUnknown, () => Start().WithService(new RtcService("c", "", Map((5, 1)))));
        Throws(TokenInputCodes.PrivilegeUnknown, () => Start().WithService(new FpaService(Map((2, 1)))));
        Throws(TokenInputCodes.PrivilegeUnknown, () => AccessToken006.Create(AppId, Cert, "c", "", 1, 1).WithPrivilege((Privilege006)13, 1));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(100_000_000u)]
    public void Salts_outside_1_to_99999999_are_salt_out_of_range(uint salt)
    {
        Throws(TokenInputCodes.SaltOutOfRange, () => AccessToken2.Create(AppId, Cert, 1, salt, 600));
        Throws(TokenInputCodes.SaltOutOfRange, () => RtmTokenBuilder006.Build(AppId, Cert, salt, 1, "u", 1));
    }

    [Fact]
    public void Issue_times_outside_unsigned_32_bit_seconds_are_issue_ts_out_of_range()
    {
        Throws(TokenInputCodes.IssueTsOutOfRange, () => AccessToken2.Create(AppId, Cert, DateTimeOffset.UnixEpoch.AddSeconds(-1), 1, 600));
        Throws(TokenInputCodes.IssueTsOutOfRange, () => AccessToken2.Create(AppId, Cert, DateTimeOffset.UnixEpoch.AddSeconds(1L << 32), 1, 600));
        Throws(TokenInputCodes.IssueTsOutOfRange, () => AccessToken006.MessageTsFor(uint.MaxValue));
        var year2100 = AccessToken2.Create(AppId, Cert, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), 1, 600);
        Assert.True(year2100.IssueTs > int.MaxValue); // unsigned: no year-2038 overflow
    }

    [Fact]
    public void Text_beyond_the_wire_limit_or_not_unicode_is_refused()
    {
        Throws(TokenInputCodes.StringTooLong, () => Start().WithService(new ApaasService(new string('r', 70000), "", -1, Map((3, 1)))));
        Throws(TokenInputCodes.TextInvalid, () => Start().WithService(new ApaasService("\ud800", "", -1, Map((3, 1)))));
        Throws(TokenInputCodes.ValueMissing, () => Start().WithService(new ApaasService(null!, "", -1, Map((3, 1)))));
    }

    [Fact]
    public void A_token_without_services_is_no_services_not_an_empty_string()
    {
        Throws(TokenInputCodes.NoServices, () => Start().Build());
        Throws(TokenInputCodes.NoServices, () => AccessToken006.Create(AppId, Cert, "c", "", 1, 1).Build());
    }

    [Fact]
    public void Unknown_services_and_undefined_roles_cannot_be_built()
    {
        Throws(TokenInputCodes.ServiceUnsupported, () => Start().WithService(new UnknownService(9, 0)));
        Throws(TokenInputCodes.RoleInvalid, () => RtcTokenBuilder.BuildWithUid(AppId, Cert, 1, 1, "c", 1, (RtcRole)3, 600));
        Throws(TokenInputCodes.RoleInvalid, () => RtcTokenBuilder006.BuildWithUid(AppId, Cert, 1, 1, "c", 1, (RtcRole006)3, 1));
    }

    [Fact]
    public void Content_above_64_KiB_is_token_too_large()
    {
        var names = Enumerable.Range(0, 2000).Select(i => $"resource-{i:D24}").ToArray();
        var permissions = Rtm2Permissions.Create(new Rtm2Permission(Rtm2ResourceType.MessageChannel, Rtm2PermissionType.Read, names));
        Throws(TokenInputCodes.TokenTooLarge, () => Start().WithRtm2("u", permissions, 600).Build());
    }

    [Fact]
    public void Validate_methods_return_null_for_good_input()
    {
        Assert.Null(TokenInputRules.ValidateAppId(AppId));
        Assert.Null(TokenInputRules.ValidateCertificate(Cert));
        Assert.Null(TokenInputRules.ValidateChannelName("room-1"));
        Assert.Null(TokenInputRules.ValidateUid(0));
        Assert.Null(TokenInputRules.ValidateUserAccount("0"));
        Assert.Null(TokenInputRules.ValidateRtmUserId("test_user"));
        Assert.Null(TokenInputRules.ValidateChatUserId("4ac3bae0"));
        Assert.Null(TokenInputRules.ValidateExpire(86400));
        Assert.Null(TokenInputRules.ValidatePrivilegeExpire(0, 600));
        Assert.Null(TokenInputRules.ValidateSalt(99_999_999));
    }
}
