using Microsoft.Extensions.Time.Testing;
using Portal.Features.TokenIssuance;

namespace Portal.Tests.Features.TokenIssuance;

public sealed class RateLimitsTests
{
    [Fact]
    public void KeyBucket_AllowsItsRatePerMinute_ThenAsksToWait_AndRefills()
    {
        var clock = new FakeTimeProvider();
        var limits = new RateLimits(clock);
        var key = Guid.NewGuid();
        for (var i = 0; i < 60; i++) Assert.Null(limits.TryTake(key, 60));
        Assert.Equal(1, limits.TryTake(key, 60));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limits.TryTake(key, 60));
    }

    [Fact]
    public void InvalidKeysFromOneAddress_AreThrottled_OtherAddressesAreNot()
    {
        var clock = new FakeTimeProvider();
        var limits = new RateLimits(clock);
        for (var i = 0; i < RateLimits.InvalidKeysPerMinutePerIp; i++) limits.InvalidKeyFrom("203.0.113.9");
        Assert.NotNull(limits.IpBlocked("203.0.113.9"));
        Assert.Null(limits.IpBlocked("203.0.113.10"));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(limits.IpBlocked("203.0.113.9"));
    }
}
