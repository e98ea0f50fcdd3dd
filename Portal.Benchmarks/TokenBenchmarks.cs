using BenchmarkDotNet.Attributes;
using Portal.Tokens;
using Portal.Tokens.Builders;
using Portal.Tokens.Legacy;
using Portal.Tokens.Services;

namespace Portal.Benchmarks;

/// The engine's hot paths, on the inputs of Agora's vectors (node/bench.js times agora-token on the same ones).
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string Certificate = "5CFd2fd1755d40ecb72977518be15d3b";
    private const string Channel = "7d72365eb983485397e3e3f9d460bdda";
    private const uint Uid = 2882341273;
    private const uint IssueTs = 1111111;
    private const uint Salt = 1;

    private readonly string _token = RtcTokenBuilder.BuildWithUid(AppId, Certificate, IssueTs, Salt, Channel, Uid, RtcRole.Publisher, 600, 600);

    [Benchmark(Baseline = true, Description = "007 RTC publisher build")]
    public string RtcPublisher007() =>
        RtcTokenBuilder.BuildWithUid(AppId, Certificate, IssueTs, Salt, Channel, Uid, RtcRole.Publisher, 600, 600);

    [Benchmark(Description = "007 RTC + RTM build")]
    public string RtcWithRtm007() =>
        RtcTokenBuilder.BuildWithUidAndRtm2(AppId, Certificate, IssueTs, Salt, Channel, Uid, RtcRole.Publisher, 600, 600, 600, 600, 600, "test_user", 600);

    [Benchmark(Description = "007 parse + verify")]
    public bool ParseAndVerify007() => AccessToken2.Parse(_token).VerifySignature(Certificate);

    [Benchmark(Description = "006 RTC publisher build")]
    public string RtcPublisher006() =>
        RtcTokenBuilder006.BuildWithUid(AppId, Certificate, Salt, IssueTs, Channel, Uid, RtcRole006.Publisher, 1446455471);
}
