using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Certificates;

public sealed class CertificateRingTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private async Task<(TestOrg Org, string Path)> ProjectAsync()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var project = await (await org.Owner.PostAsJsonAsync($"{org.Path}/projects", new { name = "Voice", appId = ApiActors.NewAppId() }))
            .JsonAsync(HttpStatusCode.Created);
        return (org, $"{org.Path}/projects/{project.GetProperty("id").GetGuid()}");
    }

    [Fact]
    public async Task ImportNow_BecomesActive_WithFingerprintNeverTheSecret()
    {
        var (org, path) = await ProjectAsync();
        var secret = "abcd" + new string('0', 24) + "wxyz".Replace("w", "e").Replace("x", "f").Replace("y", "1").Replace("z", "2");
        var response = await org.Owner.PostAsJsonAsync($"{path}/certificates", new { certificate = secret, activation = "Now" }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var cert = await response.JsonAsync(HttpStatusCode.Created);

        Assert.Equal("Active", cert.GetProperty("state").GetString());
        Assert.Equal("Imported", cert.GetProperty("source").GetString());
        Assert.Equal("abcd…ef12", cert.GetProperty("fingerprint").GetString());
        Assert.DoesNotContain(secret, body);
        var project = await (await org.Owner.GetAsync(path, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("abcd…ef12", project.GetProperty("activeCertificateFingerprint").GetString());
    }

    [Fact]
    public async Task Import_RefusesMalformedAndDuplicateCertificates()
    {
        var (org, path) = await ProjectAsync();
        var secret = ApiActors.NewCertificate();
        (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { certificate = secret, activation = "Staged" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{path}/certificates", new { certificate = secret, activation = "Now" },
            TestContext.Current.CancellationToken), HttpStatusCode.Conflict, "certificate_duplicate");
        var bad = await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{path}/certificates", new { certificate = "not-hex", activation = "Now" },
            TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "certificate_invalid");
        Assert.DoesNotContain("not-hex", bad.GetRawText());
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{path}/certificates",
            new { activation = "Staged", effectiveAt = DateTimeOffset.UtcNow.AddHours(-1) }, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "effective_at_in_past");
    }

    [Fact]
    public async Task StagedThenPromoted_DemotesTheActiveToPreviousWithGraceOfMaxLifetime()
    {
        var (org, path) = await ProjectAsync();
        var first = await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Now" }, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Generated", first.GetProperty("source").GetString());
        var staged = await (await org.Owner.PostAsJsonAsync($"{path}/certificates",
            new { activation = "Staged", effectiveAt = DateTimeOffset.UtcNow.AddDays(1) }, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Staged", staged.GetProperty("state").GetString());

        var promoted = await (await org.Owner.PostAsync($"{path}/certificates/{staged.GetProperty("id").GetGuid()}/promote", null, TestContext.Current.CancellationToken))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Active", promoted.GetProperty("state").GetString());
        var ring = await RingAsync(org, path);
        var previous = ring.Single(c => c.GetProperty("id").GetGuid() == first.GetProperty("id").GetGuid());
        Assert.Equal("Previous", previous.GetProperty("state").GetString());
        Assert.InRange((previous.GetProperty("graceUntil").GetDateTimeOffset() - DateTimeOffset.UtcNow).TotalSeconds, 86_300, 86_401);
        Assert.Single(ring, c => c.GetProperty("state").GetString() == "Active");

        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsync($"{path}/certificates/{first.GetProperty("id").GetGuid()}/promote", null,
            TestContext.Current.CancellationToken), HttpStatusCode.Conflict, "certificate_not_staged");
    }

    [Fact]
    public async Task RotateAndRetire_KeepOneActive_AndRetiredCannotBeRevealed()
    {
        var (org, path) = await ProjectAsync();
        await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Now" }, TestContext.Current.CancellationToken);
        var rotated = await (await org.Owner.PostAsync($"{path}/certificates/rotate", null, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Active", rotated.GetProperty("state").GetString());
        var previous = (await RingAsync(org, path)).Single(c => c.GetProperty("state").GetString() == "Previous");

        var retired = await (await org.Owner.DeleteAsync($"{path}/certificates/{previous.GetProperty("id").GetGuid()}", TestContext.Current.CancellationToken))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Retired", retired.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, retired.GetProperty("retiredAt").ValueKind);
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync($"{path}/certificates/{previous.GetProperty("id").GetGuid()}/reveal",
            new { password = TestUsers.Password }, TestContext.Current.CancellationToken), HttpStatusCode.Conflict, "certificate_retired");
    }

    [Fact]
    public async Task Reveal_NeedsPasswordAndManagerRole_AndIsAudited()
    {
        var (org, path) = await ProjectAsync();
        var secret = ApiActors.NewCertificate();
        var cert = await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { certificate = secret, activation = "Now" }, TestContext.Current.CancellationToken))
            .JsonAsync(HttpStatusCode.Created);
        var reveal = $"{path}/certificates/{cert.GetProperty("id").GetGuid()}/reveal";

        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(reveal, new { }, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized, "reauthentication_required");
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsJsonAsync(reveal, new { password = "wrong password!" }, TestContext.Current.CancellationToken),
            HttpStatusCode.Unauthorized, "reauthentication_failed");
        var revealed = await (await org.Owner.PostAsJsonAsync(reveal, new { password = TestUsers.Password }, TestContext.Current.CancellationToken)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(secret, revealed.GetProperty("certificate").GetString());
        // Within 5 minutes the proof is remembered.
        Assert.Equal(HttpStatusCode.OK, (await org.Owner.PostAsJsonAsync(reveal, new { }, TestContext.Current.CancellationToken)).StatusCode);

        var (auditor, _) = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");
        await ProblemAssert.IsProblemAsync(await auditor.PostAsJsonAsync(reveal, new { password = TestUsers.Password }, TestContext.Current.CancellationToken),
            HttpStatusCode.Forbidden, "role_forbidden");

        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services);
        var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Portal.Data.PortalDbContext>(scope.ServiceProvider);
        var reveals = db.AuditEvents.Where(e => e.Type == Portal.Data.Audit.AuditEventType.CertificateRevealed && e.OrganizationId == org.Id).ToList();
        Assert.Equal(2, reveals.Count);
        Assert.All(reveals, e => Assert.DoesNotContain(secret, e.Details));
    }

    [Fact]
    public async Task ConcurrentPromotions_NeverLeaveTwoActiveCertificates()
    {
        var (org, path) = await ProjectAsync();
        await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Now" }, TestContext.Current.CancellationToken);
        var staged = new List<Guid>();
        for (var i = 0; i < 6; i++)
            staged.Add((await (await org.Owner.PostAsJsonAsync($"{path}/certificates", new { activation = "Staged" }, TestContext.Current.CancellationToken))
                .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());

        var responses = await Task.WhenAll(staged.Select(id => org.Owner.PostAsync($"{path}/certificates/{id}/promote", null, TestContext.Current.CancellationToken)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await ProblemAssert.IsProblemAsync(conflict, HttpStatusCode.Conflict, "ring_conflict");
        Assert.Single(await RingAsync(org, path), c => c.GetProperty("state").GetString() == "Active");
    }

    private static async Task<List<JsonElement>> RingAsync(TestOrg org, string path) =>
        (await (await org.Owner.GetAsync($"{path}/certificates")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
}
