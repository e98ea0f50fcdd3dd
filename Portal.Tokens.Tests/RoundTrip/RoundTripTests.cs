using Portal.Tokens.Inspection;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Tokens.Tests.RoundTrip;

public sealed class RoundTripTests
{
    [Fact]
    public void Parse_of_build_equals_the_input_and_verifies_for_thousands_of_random_007_tokens()
    {
        var r = new RandomInputs(20240607);
        for (var i = 0; i < 3000; i++)
        {
            var (appId, cert, issueTs, salt, expire) = (r.Hex32(), r.Hex32(), r.IssueTs(), r.Salt(), r.Expire());
            var builder = AccessToken2.Create(appId, cert, issueTs, salt, expire);
            var services = Enumerable.Range(0, 1 + r.Next(5)).Select(_ => r.Service(expire)).ToList();
            services.ForEach(s => builder.WithService(s));

            var token = builder.Build();
            var parsed = AccessToken2.Parse(token);

            Assert.Equal((appId, issueTs, expire, salt), (parsed.AppId, parsed.IssueTs, parsed.Expire, parsed.Salt));
            Assert.Equal(services.OrderBy(s => s.TypeId), parsed.Services);
            Assert.True(parsed.VerifySignature(cert));
            Assert.False(parsed.HasUnknownService);
            Assert.True(TokenVerifier.Verify(token, new TokenVerifyOptions(cert) { AppId = appId }).Valid);
        }
    }

    // Deflate is not injective: in a run such as "aaaa" a match at distance 1 or 2 inflates to the
    // same bytes, so a flipped distance bit can leave the content (and so the signature) intact.
    // What must hold is that no flip yields a verifying token with *different* content.
    [Fact]
    public void Flipping_any_single_bit_of_a_007_token_fails_verification_or_parsing_cleanly_unless_the_content_is_unchanged()
    {
        var r = new RandomInputs(7);
        var harmless = 0;
        var total = 0;
        for (var i = 0; i < 60; i++)
        {
            var expire = r.Expire();
            var cert = r.Hex32();
            var builder = AccessToken2.Create(r.Hex32(), cert, r.IssueTs(), r.Salt(), expire);
            for (var s = 0; s < 1 + r.Next(3); s++)
            {
                builder.WithService(r.Service(expire));
            }

            var original = builder.BuildContent();
            var bytes = Convert.FromBase64String(builder.Build()[3..]);
            for (var bit = 0; bit < bytes.Length * 8; bit++, total++)
            {
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                var mutated = "007" + Convert.ToBase64String(bytes);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                if (AccessToken2.TryParse(mutated, out var parsed, out var error))
                {
                    if (parsed.VerifySignature(cert))
                    {
                        Assert.Equal(Convert.ToHexStringLower(original), Vectors.VectorTests.InflatedHex(mutated));
                        harmless++;
                    }
                }
                else
                {
                    Assert.False(string.IsNullOrEmpty(error.Code));
                }
            }
        }

        Assert.True(harmless * 1000 < total, $"{harmless} of {total} flips left the content unchanged");
    }

    [Fact]
    public void Parse_of_build_round_trips_and_bit_flips_fail_for_random_006_tokens()
    {
        var r = new RandomInputs(6);
        for (var i = 0; i < 500; i++)
        {
            var (appId, cert, channel, uid) = (r.Hex32(), r.Hex32(), r.Channel(), AccessToken2.UidText(r.Uid()));
            var (salt, ts, expiredTs) = (r.Salt(), r.IssueTs(), r.IssueTs());
            var role = (RtcRole006[])Enum.GetValues<RtcRole006>();
            var token = RtcTokenBuilder006.BuildWithUid(appId, cert, salt, ts, channel, uid == "" ? 0 : uint.Parse(uid), role[r.Next(4)], expiredTs);

            var parsed = AccessToken006.Parse(token);
            Assert.Equal((appId, salt, ts), (parsed.AppId, parsed.Salt, parsed.Ts));
            Assert.True(parsed.Privileges.All(p => p.Value == expiredTs));
            Assert.True(parsed.VerifySignature(cert, channel, uid));

            if (i % 10 != 0)
            {
                continue;
            }

            var bytes = Convert.FromBase64String(token[35..]);
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                var mutated = token[..35] + Convert.ToBase64String(bytes);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                if (AccessToken006.TryParse(mutated, out var p, out _))
                {
                    Assert.False(p.VerifySignature(cert, channel, uid), $"bit {bit} still verifies");
                }
            }
        }
    }

    [Fact]
    public void Random_garbage_and_truncations_never_throw_anything_but_format_errors()
    {
        var r = new RandomInputs(99);
        var rng = new Random(99);
        var valid = AccessToken2.Create(r.Hex32(), r.Hex32(), 1, 1, 600).WithRtc("c", 5, RtcPrivileges.Publisher(600)).Build();
        for (var i = 0; i < 20000; i++)
        {
            string candidate;
            switch (i % 4)
            {
                case 0:
                    candidate = valid[..rng.Next(valid.Length + 1)];
                    break;
                case 1:
                    var bytes = new byte[rng.Next(0, 200)];
                    rng.NextBytes(bytes);
                    candidate = (rng.Next(2) == 0 ? "007" : "006" + r.Hex32()) + Convert.ToBase64String(bytes);
                    break;
                case 2:
                    var chars = valid.ToCharArray();
                    chars[rng.Next(3, chars.Length)] = "AZaz09+/=-_ \n"[rng.Next(13)];
                    candidate = new string(chars);
                    break;
                default:
                    var zbytes = new byte[rng.Next(2, 120)];
                    rng.NextBytes(zbytes);
                    zbytes[0] = 0x78;
                    zbytes[1] = 0x9C;
                    candidate = "007" + Convert.ToBase64String(zbytes);
                    break;
            }

            if (TokenParser.TryParse(candidate, out var parsed, out var error))
            {
                Assert.NotNull(parsed);
            }
            else
            {
                Assert.NotNull(error.Code);
                Assert.Equal(error.Code, Assert.Throws<TokenFormatException>(() => TokenParser.Parse(candidate)).Code);
            }
        }
    }
}
