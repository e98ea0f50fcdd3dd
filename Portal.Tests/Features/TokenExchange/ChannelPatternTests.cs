using System.Text.Json;
using Portal.Features.TokenExchange;

namespace Portal.Tests.Features.TokenExchange;

/// A rule's channel patterns: `*` is any run of characters, `{claim}` the claim's text taken literally.
public sealed class ChannelPatternTests
{
    private static readonly JsonElement Claims = JsonDocument.Parse("""
        {"sub": "a*b", "org_id": "acme", "dots": "x.y", "empty": "", "n": 42}
        """).RootElement;

    [Theory]
    [InlineData("lobby", "lobby", true)]
    [InlineData("lobby", "lobby2", false)]
    [InlineData("lobby", "Lobby", false)] // ordinal, as Agora compares names
    [InlineData("room-*", "room-", true)]
    [InlineData("room-*", "room-42", true)]
    [InlineData("room-*", "xroom-42", false)]
    [InlineData("*-live", "show-live", true)]
    [InlineData("*-live", "show-live-2", false)]
    [InlineData("a*a", "a", false)] // the first and last runs cannot share a character
    [InlineData("a*a", "aa", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("a*b*c", "abcb", false)]
    [InlineData("*", "anything", true)]
    [InlineData("**", "", true)]
    [InlineData("room-{org_id}-*", "room-acme-7", true)]
    [InlineData("room-{org_id}-*", "room-other-7", false)]
    [InlineData("user-{sub}", "user-a*b", true)] // a claim's `*` is a character, not a wildcard
    [InlineData("user-{sub}", "user-aXb", false)]
    [InlineData("d-{dots}", "d-x.y", true)] // nor is its `.` anything but a dot
    [InlineData("d-{dots}", "d-xzy", false)]
    [InlineData("n-{n}", "n-42", true)]
    [InlineData("u-{missing}", "u-", false)] // an absent claim never matches
    [InlineData("u-{empty}*", "u-x", false)]
    public void Pattern_MatchesExactlyTheChannelsItNames(string pattern, string channel, bool matches) =>
        Assert.Equal(matches, ExchangeRules.ChannelMatches(pattern, Claims, channel));

    [Fact]
    public void ChannelsLongerThanAgoraAllows_NeverMatch() =>
        Assert.False(ExchangeRules.ChannelMatches("*", Claims, new string('a', 65)));
}
