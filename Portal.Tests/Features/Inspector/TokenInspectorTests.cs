using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Organizations;
using Portal.Features.Audit;
using Portal.Features.Inspector;
using Portal.Features.Organizations;
using Portal.Features.TokenIssuance;
using Portal.Tests.Infrastructure;
using Portal.Tokens;
using Portal.Tokens.Services;

namespace Portal.Tests.Features.Inspector;

/// The token inspector and "mint a test token": the API's issuer and verifier behind plain-words findings.
public sealed class TokenInspectorTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// A real member of the project's organization: services check the caller's membership on every call.
    private async Task<OrgCaller> CallerAsync(TokenProject project, OrganizationRole role = OrganizationRole.Owner)
    {
        var email = role == OrganizationRole.Owner ? project.Org.OwnerEmail
            : (await ApiActors.MemberAsync(app, project.Org.Owner, project.Org.Id, role.ToString())).Email;
        using var scope = app.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Identity.PortalUser>>().FindByEmailAsync(email);
        return new(project.Org.Id, user!.Id, role, false, new AuditActor(Portal.Data.Audit.AuditActorType.User, user.Id, email, null, null));
    }

    private async Task<TokenInspection> InspectAsync(TokenProject project, string token, string? channel = null, string? uid = null)
    {
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<TokenInspector>().InspectAsync(await CallerAsync(project), new InspectRequest(token, channel, uid), Ct);
        Assert.True(result.Ok, result.Error?.Message);
        return result.Value!;
    }

    private async Task<TokenResponse> MintAsync(TokenProject project, MintTestToken input, OrganizationRole role = OrganizationRole.Owner)
    {
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<TestTokens>().MintAsync(await CallerAsync(project, role), project.ProjectId, input, Ct);
        Assert.True(result.Ok, result.Error?.Message);
        return result.Value!;
    }

    private static Finding Find(TokenInspection inspection, string code) =>
        inspection.Findings.SingleOrDefault(f => f.Code == code) ?? throw new Xunit.Sdk.XunitException(
            $"no finding {code}; got {string.Join(", ", inspection.Findings.Select(f => f.Code))}");

    [Fact]
    public async Task MintedToken_IsValid_WithEveryFieldDecoded_AndTheMintIsAudited()
    {
        var project = await TokenProject.CreateAsync(app);
        var minted = await MintAsync(project, new MintTestToken("rtc", "room-1", 42, null, "publisher", 600));
        Assert.Equal("007", minted.Format);

        var r = await InspectAsync(project, minted.Token, "room-1", "42");
        Assert.True(r.Valid);
        Assert.Equal(project.AppId, r.AppId);
        Assert.Equal(minted.IssuedAt, r.IssuedAt);
        Assert.Equal(minted.ExpiresAt, r.ExpiresAt);
        Assert.Equal(project.ProjectId, r.Match!.ProjectId);
        Assert.Equal("Active", r.Match.CertificateState);
        Assert.Matches("^[0-9a-f]{4}", r.Match.CertificateFingerprint);
        var rtc = Assert.Single(r.Services);
        Assert.Equal("rtc", rtc.Type);
        Assert.Contains(new KeyValuePair<string, string>("Channel", "room-1"), rtc.Fields);
        Assert.Contains(new KeyValuePair<string, string>("Uid", "42"), rtc.Fields);
        Assert.Equal(["JoinChannel", "PublishAudioStream", "PublishVideoStream", "PublishDataStream"], rtc.Privileges.Select(p => p.Name));
        Assert.All(rtc.Privileges, p => Assert.Equal(minted.ExpiresAt, p.ExpiresAt));
        foreach (var code in new[] { "format_007", "signed_active", "not_expired", "channel_uid_match" }) Find(r, code);
        Assert.DoesNotContain(r.Findings, f => f.Level == FindingLevel.Problem);

        // The API's verify route agrees.
        var (key, _) = await project.KeyAsync();
        var verified = await (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/verify", new { token = minted.Token, channel = "room-1", uid = 42 }, Ct))
            .JsonAsync(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean());

        var events = await (await project.Org.Owner.GetAsync($"{project.Org.Path}/audit?type=TestTokenMinted", Ct)).JsonAsync(HttpStatusCode.OK);
        var minting = Assert.Single(events.GetProperty("items").EnumerateArray());
        Assert.Equal("room-1", minting.GetProperty("details").GetProperty("channel").GetString());
        Assert.True(minting.GetProperty("details").GetProperty("manual").GetBoolean());
        Assert.DoesNotContain(minted.Token, minting.GetRawText());
    }

    [Fact]
    public async Task OtherChannelOrUid_IsExplainedAsAMismatch_Error110()
    {
        var project = await TokenProject.CreateAsync(app);
        var minted = await MintAsync(project, new MintTestToken("rtc", "room-1", 42, null, "subscriber", 600));
        var r = await InspectAsync(project, minted.Token, "room-2", "42");
        Assert.False(r.Valid);
        var mismatch = Find(r, "channel_uid_mismatch");
        Assert.Equal(110, mismatch.AgoraError);
        Assert.Contains("room-1", mismatch.Explanation);
        Assert.False((await InspectAsync(project, minted.Token, "room-1", "43")).Valid);
    }

    [Fact]
    public async Task ExpiredToken_IsExplainedAsExpired_Error109()
    {
        var project = await TokenProject.CreateAsync(app);
        var issued = (uint)DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds();
        var token = AccessToken2.Create(project.AppId, project.Certificate, issued, 7, 3600).WithRtc("room", 5u, RtcPrivileges.Publisher(3600)).Build();
        var r = await InspectAsync(project, token);
        Assert.False(r.Valid);
        var expired = Find(r, "expired");
        Assert.Equal(109, expired.AgoraError);
        Assert.Contains("expired at", expired.Explanation);
        Find(r, "signed_active"); // the signature is fine: only time ran out
        Assert.All(r.Services.Single().Privileges, p => Assert.True(p.Expired));
    }

    [Fact]
    public async Task ExpiredPrivilege_InAValidToken_IsExplained()
    {
        var project = await TokenProject.CreateAsync(app);
        var issued = (uint)DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        var token = AccessToken2.Create(project.AppId, project.Certificate, issued, 7, 3600).WithRtc("room", 5u, RtcPrivileges.Each(60, 3600, 3600, 3600)).Build();
        var r = await InspectAsync(project, token);
        Assert.False(r.Valid);
        Assert.Contains("JoinChannel", Find(r, "privilege_expired").Explanation);
        Find(r, "not_expired");
    }

    [Fact]
    public async Task UnknownCertificate_IsASignatureFailure_Error110()
    {
        var project = await TokenProject.CreateAsync(app);
        var token = AccessToken2.Create(project.AppId, ApiActors.NewCertificate(), (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 7, 3600)
            .WithRtc("room", 5u, RtcPrivileges.Publisher(0)).Build();
        var r = await InspectAsync(project, token);
        Assert.False(r.Valid);
        Assert.Equal(110, Find(r, "signature_invalid").AgoraError);
        Assert.Null(r.Match!.CertificateState);
    }

    [Fact]
    public async Task OneCharacterChanged_IsExplainedAsAlteredOrBadSignature()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowedServices = new[] { "rtc", "rtm", "chat", "legacy006" } });
        var minted = await MintAsync(project, new MintTestToken("rtc", "room-1", 42, null, "publisher", 600));
        var r = await InspectAsync(project, ChangeOne(minted.Token, minted.Token.Length / 2));
        Assert.False(r.Valid);
        Assert.Contains(r.Findings, f => f.Code is "altered" or "signature_invalid" && f.AgoraError == 110);

        // 006 stores no checksum: a changed signature character parses, and the signature check says so.
        var legacy = await MintAsync(project, new MintTestToken("rtc", "room-1", 42, null, "publisher", 600, Format: "006"));
        Assert.Equal("006", legacy.Format);
        Assert.True((await InspectAsync(project, legacy.Token, "room-1", "42")).Valid);
        Find(await InspectAsync(project, legacy.Token), "signature_needs_channel_uid");
        var tampered = await InspectAsync(project, ChangeOne(legacy.Token, 3 + 32 + 8), "room-1", "42");
        Assert.False(tampered.Valid);
        Assert.Equal(110, Find(tampered, "signature_invalid").AgoraError);
        Find(tampered, "format_006");
    }

    [Fact]
    public async Task WildcardUid_And_UnknownAppId_AreExplained()
    {
        var project = await TokenProject.CreateAsync(app, policyChanges: new { allowUidWildcard = true });
        var minted = await MintAsync(project, new MintTestToken("rtc", "room", 0, null, "publisher", 600));
        var r = await InspectAsync(project, minted.Token, "room", "12345");
        Assert.True(r.Valid); // the wildcard grants any uid
        Assert.Equal(FindingLevel.Warning, Find(r, "wildcard_uid").Level);

        var stranger = await TokenProject.CreateAsync(app);
        var theirs = AccessToken2.Create(stranger.AppId, stranger.Certificate, (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 7, 3600).WithRtm("bob", 3600).Build();
        var unknown = await InspectAsync(project, theirs);
        Assert.False(unknown.Valid);
        Assert.Null(unknown.Match);
        Find(unknown, "app_id_unknown");
    }

    [Fact]
    public async Task Minting_FollowsThePolicyAndRoles_LikeTheApi()
    {
        var project = await TokenProject.CreateAsync(app);
        using var scope = app.Services.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<TestTokens>();
        var auditor = await tokens.MintAsync(await CallerAsync(project, OrganizationRole.Auditor), project.ProjectId, new MintTestToken("rtc", "room", 1, null, null, null), Ct);
        Assert.Equal("role_forbidden", auditor.Error?.Code);
        var wildcard = await tokens.MintAsync(await CallerAsync(project), project.ProjectId, new MintTestToken("rtc", "room", 0, null, null, null), Ct);
        Assert.Equal("uid_wildcard_not_allowed", wildcard.Error?.Code);
        var foreign = await TokenProject.CreateAsync(app);
        var other = await tokens.MintAsync(await CallerAsync(project), foreign.ProjectId, new MintTestToken("rtc", "room", 1, null, null, null), Ct);
        Assert.Equal(404, other.Error?.Status);
        var service = await tokens.MintAsync(await CallerAsync(project), project.ProjectId, new MintTestToken("video", "room", 1, null, null, null), Ct);
        Assert.Equal("service_invalid", service.Error?.Code);
        var rtm = await MintAsync(project, new MintTestToken("rtm", null, null, null, null, 300, UserId: "alice"));
        var decoded = await InspectAsync(project, rtm.Token);
        Assert.True(decoded.Valid);
        Assert.Contains(new KeyValuePair<string, string>("User id", "alice"), decoded.Services.Single().Fields);
    }

    [Fact]
    public async Task EmptyOrHugeInput_IsRefusedWithACode()
    {
        var project = await TokenProject.CreateAsync(app);
        using var scope = app.Services.CreateScope();
        var inspector = scope.ServiceProvider.GetRequiredService<TokenInspector>();
        Assert.Equal("token_required", (await inspector.InspectAsync(await CallerAsync(project), new InspectRequest("  ", null, null), Ct)).Error?.Code);
        Assert.Equal("token_too_long", (await inspector.InspectAsync(await CallerAsync(project), new InspectRequest(new string('a', 9000), null, null), Ct)).Error?.Code);
        var garbage = await InspectAsync(project, "hello");
        Assert.False(garbage.Valid);
        Assert.Equal(110, Find(garbage, "malformed").AgoraError);
    }

    private static string ChangeOne(string token, int at) => token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];
}
