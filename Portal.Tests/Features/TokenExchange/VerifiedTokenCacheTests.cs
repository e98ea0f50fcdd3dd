using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenExchange;

/// An ID token is verified once and then remembered, so the same token's next exchanges skip the signature check;
/// what can change in the meantime is checked on every use: its lifetime, and the provider it was verified against.
public sealed class VerifiedTokenCacheTests(VerifiedTokenCacheTests.Fixture fixture) : IClassFixture<VerifiedTokenCacheTests.Fixture>
{
    public sealed class Fixture() : ExchangeFixture(TestClock.Create());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARememberedToken_IsRefusedOnceItExpires()
    {
        await fixture.AddProviderAsync(ExchangeFixture.ProviderBody(fixture.Issuer.Issuer));
        await fixture.PollAsync();
        var clock = fixture.App.Clock!;
        var now = clock.GetUtcNow().UtcDateTime;
        var idToken = fixture.Issuer.Token(new Dictionary<string, object> { ["org_id"] = "acme" }, issuedAt: now, notBefore: now, expires: now.AddMinutes(5));

        (await fixture.ExchangeAsync(idToken)).EnsureSuccessStatusCode();
        (await fixture.ExchangeAsync(idToken)).EnsureSuccessStatusCode(); // the remembered verification

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(61)); // past exp and the 60 s clock skew
        await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(idToken), HttpStatusCode.Unauthorized, "id_token_expired");
    }

    [Fact]
    public async Task ARememberedToken_IsRefusedOnceItsProviderIsRemoved()
    {
        var issuer = await TestOidcIssuer.StartAsync();
        await using var _ = issuer;
        var provider = (await fixture.AddProviderAsync(ExchangeFixture.ProviderBody(issuer.Issuer))).GetProperty("id").GetGuid();
        await fixture.PollAsync();
        var now = fixture.App.Clock!.GetUtcNow().UtcDateTime;
        var idToken = issuer.Token(new Dictionary<string, object> { ["org_id"] = "acme", ["sub"] = "removed-provider-user" }, issuedAt: now, notBefore: now, expires: now.AddMinutes(30));
        (await fixture.ExchangeAsync(idToken)).EnsureSuccessStatusCode();

        (await fixture.Project.Org.Owner.DeleteAsync($"{fixture.ProvidersPath}/{provider}", Ct)).EnsureSuccessStatusCode();
        await fixture.PollAsync();
        await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(idToken), HttpStatusCode.Unauthorized, "id_token_issuer");
    }
}
