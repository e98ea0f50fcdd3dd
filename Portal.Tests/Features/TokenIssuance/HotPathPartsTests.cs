using Microsoft.Extensions.Time.Testing;
using Portal.Features.TokenIssuance;
using Portal.Features.Usage;
using Portal.Tokens;

namespace Portal.Tests.Features.TokenIssuance;

/// The pieces of the token hot path that were made allocation-free keep their contracts.
public sealed class HotPathPartsTests
{
    [Fact]
    public void Salts_AreInTheEngineRangeAndDoNotRepeatInABurst()
    {
        var salts = Enumerable.Range(0, 10_000).Select(_ => Salts.Next()).ToList();

        Assert.All(salts, s => Assert.InRange(s, 1u, TokenInputRules.MaxSalt));
        Assert.True(salts.Distinct().Count() > 9_990, "10,000 draws from 99,999,999 values should almost never collide");
    }

    [Fact]
    public async Task Salts_FromManyThreads_AreAllValid()
    {
        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 1_000).Select(_ => Salts.Next()).ToList())));

        Assert.All(batches.SelectMany(b => b), s => Assert.InRange(s, 1u, TokenInputRules.MaxSalt));
    }

    [Fact]
    public void UsageRecorder_ReportsEachKeysLatestUseOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var recorder = new UsageRecorder(clock);
        var (org, project, key) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        recorder.Record(org, project, key, "rtc", UsageRecorder.Issued);
        clock.Advance(TimeSpan.FromSeconds(3));
        recorder.Record(org, project, key, "rtc", "rate_limited");
        recorder.Record(org, project, Guid.Empty, "rtc", "api_key_invalid");

        Assert.Equal([(key, clock.GetUtcNow())], recorder.DrainKeysUsed());
        Assert.Empty(recorder.DrainKeysUsed());

        clock.Advance(TimeSpan.FromMinutes(2));
        recorder.Record(org, project, key, "rtc", UsageRecorder.Issued);
        Assert.Equal([(key, clock.GetUtcNow())], recorder.DrainKeysUsed());
    }
}
