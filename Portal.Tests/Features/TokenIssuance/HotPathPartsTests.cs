using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Api;
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

    [Fact]
    public void UsageRecorder_AFailedFlushGivesEverythingBack_AndANewerUseWins()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var recorder = new UsageRecorder(clock);
        var (org, project, key, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        recorder.Record(org, project, key, "rtc", UsageRecorder.Issued);
        recorder.Record(org, project, other, "rtc", UsageRecorder.Issued);
        var drainedAt = clock.GetUtcNow();
        var (counts, used) = (recorder.Drain(), recorder.DrainKeysUsed());

        clock.Advance(TimeSpan.FromSeconds(5));
        recorder.Record(org, project, key, "rtc", UsageRecorder.Issued); // during the failed write
        recorder.Restore(counts);
        recorder.RestoreKeysUsed(used);

        Assert.Equal(3, recorder.Drain().Sum(c => c.Count));
        Assert.Equal([(key, clock.GetUtcNow()), (other, drainedAt)], recorder.DrainKeysUsed().OrderBy(u => u.KeyId == key ? 0 : 1));
    }
}

/// The hand-written token answer is byte for byte what the API's serializer options would write for the same
/// response, with every optional field present and absent, and with text that needs escaping.
public sealed class TokenJsonShapeTests
{
    private static readonly JsonSerializerOptions Options = ApiOptions();

    public static TheoryData<TokenResponse> Responses()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        return new()
        {
            new TokenResponse("007abc", "007", "970CA35de60c44645bbae8a215061b33", at, at.AddHours(1), at.AddMinutes(59), 3600, false,
                "rtc", "bench", 42, null, "publisher", null, null),
            new TokenResponse("006x", "006", "a", at, at.AddSeconds(1), at, 1, true, "rtc", "<ch&an'nel+\"é>", null, "acc\u2028\u0001", "custom", null, "rtm-user"),
            new TokenResponse("007c", "007", "a", at, at.AddDays(1), at.AddDays(1).AddSeconds(-30), 86400, false, "chat", null, null, null, null, "user-1", null),
            new TokenResponse("t", "007", "a", at, at, at, 0, false),
            new TokenResponse("t", "007", "a", at, at, at, 0, false, "rtc", "c", 4294967295, null, null, null, null),
        };
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public void Matches_the_serializer(TokenResponse response)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, TokenJson.WriterOptions)) TokenJson.Write(writer, response);

        Assert.Equal(JsonSerializer.Serialize(response, Options), Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static JsonSerializerOptions ApiOptions()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddPortalApi();
        using var app = builder.Build();
        return app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
    }
}
