using System.Security.Cryptography;
using Portal.Tokens.Builders;
using Portal.Tokens.Services;
using Portal.Tokens.Wire;

namespace Portal.Tokens.Tests.Signing;

/// The engine's own HMAC composition must equal the platform's HMAC-SHA256 for every key and message size,
/// including keys longer than a block (hashed first) and messages larger than the stack buffer.
public sealed class HmacTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 32)]
    [InlineData(32, 150)]
    [InlineData(64, 960)]
    [InlineData(65, 961)]
    [InlineData(200, 5000)]
    public void Equals_the_platform_hmac_at_the_edges(int keyLength, int messageLength) =>
        AssertSame(RandomNumberGenerator.GetBytes(keyLength), RandomNumberGenerator.GetBytes(messageLength));

    [Fact]
    public void Equals_the_platform_hmac_on_random_sizes()
    {
        var random = new Random(2026);
        for (var i = 0; i < 2_000; i++)
        {
            var key = new byte[random.Next(0, 160)];
            var message = new byte[random.Next(0, 2_500)];
            random.NextBytes(key);
            random.NextBytes(message);
            AssertSame(key, message);
        }
    }

    [Fact]
    public void Cached_issue_key_never_leaks_across_certificates_or_seconds()
    {
        // Same second, two certificates, then the first again, then the next second: each token must verify with its
        // own certificate only (the per-thread k1 memo is keyed by both).
        const string appId = "970CA35de60c44645bbae8a215061b33";
        const string certA = "5CFd2fd1755d40ecb72977518be15d3b";
        const string certB = "0123456789abcdef0123456789abcdef";
        foreach (var (cert, other, ts) in new[] { (certA, certB, 1000u), (certB, certA, 1000u), (certA, certB, 1000u), (certA, certB, 1001u) })
        {
            var token = RtcTokenBuilder.BuildWithUid(appId, cert, ts, 7, "c", 1, RtcRole.Publisher, 600, 600);
            Assert.True(AccessToken2.Parse(token).VerifySignature(cert));
            Assert.False(AccessToken2.Parse(token).VerifySignature(other));
        }
    }

    private static void AssertSame(byte[] key, byte[] message)
    {
        Span<byte> ours = stackalloc byte[32];
        Hmac.Compute(key, message, ours);
        Assert.Equal(HMACSHA256.HashData(key, message), ours.ToArray());
    }
}
