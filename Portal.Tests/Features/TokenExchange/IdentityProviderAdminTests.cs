using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TokenExchange;

/// The provider settings through the management API: who may read and write, and what is refused at configuration.
public sealed class IdentityProviderAdminTests(ExchangeFixture fixture) : IClassFixture<ExchangeFixture>
{
    private string Issuer(string suffix) => fixture.Issuer.Issuer + "/" + suffix;

    [Fact]
    public async Task OwnerAndAdminWrite_AuditorReads_ButCannotWrite()
    {
        var org = fixture.Project.Org;
        var (auditor, _) = await ApiActors.MemberAsync(fixture.App, org.Owner, org.Id, "Auditor");
        var (admin, _) = await ApiActors.MemberAsync(fixture.App, org.Owner, org.Id, "Admin");
        var body = ExchangeFixture.ProviderBody(Issuer("roles"));

        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync(fixture.ProvidersPath, body)).StatusCode);
        var created = await (await admin.PostAsJsonAsync(fixture.ProvidersPath, body)).JsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(2, created.GetProperty("rules").GetArrayLength());
        Assert.Equal(60, created.GetProperty("clockSkewSeconds").GetInt32());

        foreach (var reader in new[] { auditor })
        {
            var list = await (await reader.GetAsync(fixture.ProvidersPath)).JsonAsync(HttpStatusCode.OK);
            Assert.Contains(list.EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
            await (await reader.GetAsync($"{fixture.ProvidersPath}/{id}")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutAsJsonAsync($"{fixture.ProvidersPath}/{id}", body)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"{fixture.ProvidersPath}/{id}")).StatusCode);
        }

        var changed = await (await org.Owner.PutAsJsonAsync($"{fixture.ProvidersPath}/{id}",
            ExchangeFixture.ProviderBody(Issuer("roles"), new { name = "Renamed", clockSkewSeconds = 30 }))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", changed.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await org.Owner.DeleteAsync($"{fixture.ProvidersPath}/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await org.Owner.GetAsync($"{fixture.ProvidersPath}/{id}"), HttpStatusCode.NotFound, "not_found");
    }

    public static TheoryData<string, object, string> BadSettings => new()
    {
        { "alg none", new { algorithms = new[] { "none" } }, "algorithm_not_allowed" },
        { "HS256", new { algorithms = new[] { "RS256", "HS256" } }, "algorithm_not_allowed" },
        { "unknown alg", new { algorithms = new[] { "PS999" } }, "algorithm_not_supported" },
        { "no audience", new { audiences = Array.Empty<string>() }, "audiences_invalid" },
        { "no rules", new { rules = Array.Empty<object>() }, "rules_invalid" },
        { "rtc rule without channels", new { rules = new[] { new { services = new[] { "rtc" } } } }, "rule_invalid" },
        { "unknown service", new { rules = new[] { new { services = new[] { "chat_app" } } } }, "rule_invalid" },
        { "skew 301", new { clockSkewSeconds = 301 }, "clock_skew_invalid" },
        { "bad mapping", new { identityMapping = "email" }, "identity_mapping_invalid" },
        { "bad key source", new { keySource = "ldap" }, "key_source_invalid" },
        { "jwks_url without url", new { keySource = "jwks_url" }, "jwks_url_invalid" },
        { "pasted garbage", new { keySource = "pasted", pastedKeys = "hello" }, "pasted_keys_invalid" },
        { "pasted symmetric key", new { keySource = "pasted", pastedKeys = """{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}""" }, "pasted_keys_invalid" },
        { "issuer not a URL", new { issuer = "auth0" }, "issuer_invalid" },
        { "bad origin", new { allowedOrigins = new[] { "https://a.example/path" } }, "origins_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSettings_AreRefusedWithTheirCode(string why, object changes, string code)
    {
        var response = await fixture.Project.Org.Owner.PostAsJsonAsync(fixture.ProvidersPath, ExchangeFixture.ProviderBody(Issuer("bad-" + why.Replace(' ', '-')), changes));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task PastedPemKey_ValidatesTokensWithoutAnyFetch()
    {
        var issuer = Issuer("pasted");
        var pem = fixture.Issuer.Rsa.Rsa.ExportSubjectPublicKeyInfoPem();
        await fixture.AddProviderAsync(ExchangeFixture.ProviderBody(issuer, new
        {
            keySource = "pasted",
            pastedKeys = pem,
            algorithms = new[] { "RS256" },
            rules = new[] { new { services = new[] { "rtc" }, role = "subscriber", channels = new[] { "pasted-*" } } },
        }));
        await fixture.PollAsync();
        var before = fixture.Issuer.JwksRequests;
        var token = fixture.Issuer.Token(issuer: issuer, key: new Microsoft.IdentityModel.Tokens.RsaSecurityKey(fixture.Issuer.Rsa.Rsa));
        await (await fixture.ExchangeAsync(token, """{"service":"rtc","channel":"pasted-1"}""")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(before, fixture.Issuer.JwksRequests);
    }

    [Fact]
    public async Task SameIssuerTwice_IsAConflict()
    {
        var body = ExchangeFixture.ProviderBody(Issuer("twice"));
        await fixture.AddProviderAsync(body);
        await ProblemAssert.IsProblemAsync(await fixture.Project.Org.Owner.PostAsJsonAsync(fixture.ProvidersPath, body), HttpStatusCode.Conflict, "issuer_exists");
    }

    [Fact]
    public async Task SameUidFromTwoIdentities_IsAUidCollision_AndTheFirstHolderKeepsIt()
    {
        var rules = new[] { new { services = new[] { "rtc" }, role = "subscriber", channels = new[] { "collide-*" } } };
        var first = Issuer("collide-a");
        var second = Issuer("collide-b");
        foreach (var issuer in new[] { first, second })
            await fixture.AddProviderAsync(ExchangeFixture.ProviderBody(issuer, new
            {
                keySource = "jwks_url",
                jwksUrl = fixture.Issuer.JwksUrl,
                identityMapping = "uid_claim",
                identityClaim = "uid",
                rules,
            }));
        await fixture.PollAsync();
        var uid = new Dictionary<string, object> { ["uid"] = 4242 };
        const string Body = """{"service":"rtc","channel":"collide-1"}""";
        var held = await (await fixture.ExchangeAsync(fixture.Issuer.Token(uid, issuer: first), Body)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(4242, held.GetProperty("uid").GetInt64());
        await ProblemAssert.IsProblemAsync(await fixture.ExchangeAsync(fixture.Issuer.Token(uid, issuer: second), Body), HttpStatusCode.Conflict, "uid_collision");
        await (await fixture.ExchangeAsync(fixture.Issuer.Token(uid, issuer: first), Body)).JsonAsync(HttpStatusCode.OK);
    }
}
