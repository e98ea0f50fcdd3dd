using Portal.Features.Audit;

namespace Portal.Tests.Features.Audit;

public sealed class AuditDetailsTests
{
    [Fact]
    public void Summarize_BeforeAndAfter_ListsOnlyWhatChanged()
    {
        var details = """{"before":{"defaultLifetimeSeconds":3600,"allowedServices":["rtc","rtm"]},"after":{"defaultLifetimeSeconds":7200,"allowedServices":["rtc","rtm"]}}""";
        Assert.Equal("defaultLifetimeSeconds: 3600 → 7200", AuditDetails.Summarize(details));
    }

    [Fact]
    public void Summarize_FlatDetails_SkipsTheNamedKeyAndNulls()
    {
        var details = """{"projectId":"p1","fingerprint":"5ca1\u2026ecab","activation":"Now","effectiveAt":null}""";
        Assert.Equal("fingerprint: 5ca1…ecab, activation: Now", AuditDetails.Summarize(details, skip: "projectId"));
    }

    [Fact]
    public void Summarize_NotJson_ReturnsTheTextCut() => Assert.Equal("abc…", AuditDetails.Summarize("abcdef", max: 3));
}
