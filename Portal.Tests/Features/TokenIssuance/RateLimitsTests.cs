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

    [Fact]
    public void SubjectBuckets_WholeAgain_AreForgotten_ThoseStillRefusingAreKept()
    {
        var clock = new FakeTimeProvider();
        var limits = new RateLimits(clock);
        var refused = Guid.NewGuid();
        for (var i = 0; i < 5; i++) Assert.Null(limits.TryTakeSubject(refused, 5));
        Assert.NotNull(limits.TryTakeSubject(refused, 5));
        for (var i = 1; i < RateLimits.SubjectSweepEvery; i++) Assert.Null(limits.TryTakeSubject(Guid.NewGuid(), 5));
        Assert.Equal(RateLimits.SubjectSweepEvery, limits.SubjectBuckets);

        // A minute on, the identities seen once are whole again; the next new ones sweep them away.
        clock.Advance(TimeSpan.FromSeconds(59));
        var allowed = 0;
        while (limits.TryTakeSubject(refused, 5) is null) allowed++; // it refilled meanwhile; now it is refused again
        Assert.Equal(4, allowed);
        for (var i = 0; i < RateLimits.SubjectSweepEvery; i++) Assert.Null(limits.TryTakeSubject(Guid.NewGuid(), 5));
        Assert.True(limits.SubjectBuckets <= RateLimits.SubjectSweepEvery + 1, $"{limits.SubjectBuckets} buckets kept");
        Assert.NotNull(limits.TryTakeSubject(refused, 5)); // and the refused identity is still refused
    }
}
