using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.Audit;
using Portal.Features.TokenIssuance;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Issue 14, item 11: requests anyone can send cost neither an audit row each nor the valid keys their cache places.
public sealed class UnauthenticatedFloodTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> CountAsync(PortalAppFactory app, AuditEventType type)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEvents.CountAsync(e => e.Type == type, Ct);
    }

    [Fact]
    public async Task TenThousandSecretKeysInUrls_WriteFewerThanAHundredAuditRows_AndAreThrottledByAddress()
    {
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        var (key, _) = await project.KeyAsync();
        var statuses = new Dictionary<HttpStatusCode, int>();
        var clients = Enumerable.Range(0, 10).Select(i => ClientAddressStartupFilter.From(app.CreateClient(), $"2001:db8:{i}::1")).ToList();
        for (var i = 0; i < 10_000; i++)
        {
            // A handful of addresses, and within each /64 the last bits vary as an attacker would vary them.
            var client = clients[i % clients.Count];
            var prefixVaried = i % 3 == 0 ? key : $"sk_live_{Guid.NewGuid():N}";
            using var response = await client.GetAsync($"/compat/{project.ProjectId}/access_token?channel=c&uid=1&key={prefixVaried}", Ct);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }
        await app.Services.GetRequiredService<AuditThrottle>().FlushAsync(Ct, all: true);

        Assert.Equal(10_000, statuses.GetValueOrDefault(HttpStatusCode.BadRequest) + statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests) > 9_000, string.Join(", ", statuses));
        Assert.InRange(await CountAsync(app, AuditEventType.SecretKeyInUrl), 1, 99);
    }

    [Fact]
    public async Task FloodOfUnknownKeys_LeavesTheValidKeysInTheCache()
    {
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        var (key, _) = await project.KeyAsync();
        await Portal.Tests.Features.TokenIssuance.TokenApiTests.WaitForCacheAsync(app); // the key's creation has cleared the cache everywhere
        var body = new { channel = "c", uid = 1 };
        Assert.Equal(HttpStatusCode.OK, (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", body, Ct)).StatusCode);
        var cache = app.Services.GetRequiredService<IssuanceCache>();
        var known = cache.KnownCount;
        Assert.True(known >= 1);

        // Unknown keys from more addresses than one throttle bucket holds: remembered apart, never in the known keys' place.
        for (var i = 0; i < 2_000; i++)
        {
            var client = ClientAddressStartupFilter.From(app.CreateClient(), $"198.18.{i / 250}.{i % 250}");
            client.DefaultRequestHeaders.Authorization = new("Bearer", $"sk_live_{Guid.NewGuid():N}");
            using var refused = await client.PostAsJsonAsync("/api/v1/tokens/rtc", body, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(2_000, cache.UnknownCount); // remembered: a repeat costs no database visit
        Assert.Equal(known, cache.KnownCount);
        Assert.Equal(HttpStatusCode.OK, (await project.Client(key).PostAsJsonAsync("/api/v1/tokens/rtc", body, Ct)).StatusCode);
    }

    [Fact]
    public async Task UnknownSecretKeysFromManyIPv6Blocks_StillCostAHandfulOfRows()
    {
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        for (var i = 0; i < 300; i++)
        {
            var client = ClientAddressStartupFilter.From(app.CreateClient(), $"2001:db8:{i:x}:{i:x}::1"); // a fresh /64 each time
            using var response = await client.GetAsync($"/compat/{project.ProjectId}/access_token?channel=c&uid=1&key=sk_live_{Guid.NewGuid():N}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        await app.Services.GetRequiredService<AuditThrottle>().FlushAsync(Ct, all: true);
        Assert.InRange(await CountAsync(app, AuditEventType.SecretKeyInUrl), 1,
            Portal.Features.TokenIssuance.ApiKeyAuthenticator.UnknownSecretsInUrlAuditedPerMinute + 1);
    }

    [Fact]
    public async Task AFloodThatOutlastsTheMinute_KeepsEveryRequestInACount()
    {
        var clock = TestClock.Create();
        await using var app = new PortalAppFactory(clock: clock);
        app.CreateClient();
        var throttle = app.Services.GetRequiredService<AuditThrottle>();
        var actor = AuditActor.System;
        AuditEntry Entry(int count) => new(AuditEventType.SecretKeyInUrl, Details: new { count });
        for (var i = 0; i < 5; i++) await throttle.RecordAsync("flood", actor, Entry, Ct);   // 1 written, 4 counted
        clock.Advance(AuditThrottle.Window + TimeSpan.FromSeconds(1));                         // the minute ends unflushed
        for (var i = 0; i < 3; i++) await throttle.RecordAsync("flood", actor, Entry, Ct);   // its 4 written now; these 3 counted
        await throttle.FlushAsync(Ct, all: true);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var counts = (await db.AuditEvents.Where(e => e.Type == AuditEventType.SecretKeyInUrl).OrderBy(e => e.Sequence).Select(e => e.Details).ToListAsync(Ct))
            .Select(d => System.Text.Json.JsonDocument.Parse(d).RootElement.GetProperty("count").GetInt32()).ToList();
        Assert.Equal([1, 4, 3], counts); // three rows for two minutes of flood, and every request in a count
    }

    [Fact]
    public void UnknownKeys_AreBounded_ForgettingTheOldestFirst()
    {
        var unknown = new UnknownKeys<int>(3);
        foreach (var n in new[] { 1, 2, 3, 4 }) unknown.Add(n);
        Assert.Equal(3, unknown.Count);
        Assert.False(unknown.Contains(1));
        Assert.True(unknown.Contains(2) && unknown.Contains(4));
    }

    [Fact]
    public async Task InvalidKeyThrottle_CountsAnIPv6ClientByItsSlash64()
    {
        await using var app = new PortalAppFactory();
        var project = await TokenProject.CreateAsync(app);
        for (var i = 0; i < RateLimits.InvalidKeysPerMinutePerIp; i++)
        {
            var rotating = ClientAddressStartupFilter.From(app.CreateClient(), $"2001:db8:aa:bb::{i + 1:x}");
            rotating.DefaultRequestHeaders.Authorization = new("Bearer", $"sk_live_{Guid.NewGuid():N}");
            await rotating.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 }, Ct);
        }
        var sameBlock = ClientAddressStartupFilter.From(app.CreateClient(), "2001:db8:aa:bb:ffff::9");
        sameBlock.DefaultRequestHeaders.Authorization = new("Bearer", (await project.KeyAsync()).Key);
        await ProblemAssert.IsProblemAsync(await sameBlock.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 }, Ct),
            HttpStatusCode.TooManyRequests, "rate_limited");
        var otherBlock = ClientAddressStartupFilter.From(app.CreateClient(), "2001:db8:aa:cc::9");
        otherBlock.DefaultRequestHeaders.Authorization = sameBlock.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await otherBlock.PostAsJsonAsync("/api/v1/tokens/rtc", new { channel = "c", uid = 1 }, Ct)).StatusCode);
    }

    [Fact]
    public async Task ProbesOfAnotherOrganization_AreAuditedAtAPerCallerRate()
    {
        await using var app = new PortalAppFactory();
        var admin = await ApiActors.PlatformAdminAsync(app);
        var victim = await TokenProject.CreateAsync(app);
        var attacker = await ApiActors.OrganizationAsync(app, admin);
        for (var i = 0; i < 500; i++)
            await attacker.Owner.GetAsync($"{victim.Path}/api-keys", Ct);
        await app.Services.GetRequiredService<AuditThrottle>().FlushAsync(Ct, all: true);

        var rows = await CountAsync(app, AuditEventType.CrossOrganizationAccessRefused);
        Assert.InRange(rows, 2, Portal.Features.Organizations.OrganizationAccess.RefusalsAuditedPerMinute + 1);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var counted = (await db.AuditEvents.Where(e => e.Type == AuditEventType.CrossOrganizationAccessRefused).Select(e => e.Details).ToListAsync(Ct))
            .Sum(d => System.Text.Json.JsonDocument.Parse(d).RootElement.GetProperty("count").GetInt32());
        Assert.Equal(500, counted); // every probe is in a count
    }
}
