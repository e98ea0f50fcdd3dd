using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.Notifications;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Notifications;

/// Webhook delivery to a real loopback receiver: signatures a receiver can check, retries with backoff on a
/// fake clock, and every attempt recorded.
public sealed class WebhookDeliveryTests(WebhookDeliveryTests.Factory app) : IClassFixture<WebhookDeliveryTests.Factory>
{
    /// Plain-HTTP loopback receivers are allowed by the test switch; Hangfire's server is off so the test runs each attempt.
    public sealed class Factory() : PortalAppFactory(settings: new Dictionary<string, string?>
    {
        ["Portal:Jobs:RunServer"] = "false",
        ["Portal:Notifications:AllowLoopbackHttp"] = "true",
        ["Portal:Notifications:AllowPrivateNetworks"] = "true", // the receiver listens on loopback
    }, clock: TestClock.Create());

    private FakeTimeProvider Clock => app.Clock!;

    private Task DeliverAsync(Guid id) => app.Services.GetRequiredService<NotificationDeliveryJob>().DeliverAsync(id, CancellationToken.None);

    private static async Task<(TestOrg Org, string Secret)> SubscribeAsync(PortalAppFactory app, string url)
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        var saved = await (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = url })).JsonAsync(HttpStatusCode.OK);
        var secret = saved.GetProperty("webhookSecret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        // Shown once: reading the settings gives the prefix only.
        var read = await (await org.Owner.GetAsync($"{org.Path}/notifications")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(secret, read.ToString());
        Assert.Equal(secret[..10], read.GetProperty("webhookSecretPrefix").GetString());
        return (org, secret);
    }

    private static async Task<JsonElement> DeliveryAsync(HttpClient owner, TestOrg org) =>
        (await (await owner.GetAsync($"{org.Path}/notifications/deliveries")).JsonAsync(HttpStatusCode.OK))[0];

    /// What a receiver does, written independently of Portal's own helper: HMAC-SHA256 over "<t>.<body>".
    private static void AssertSignedBy(string secret, WebhookReceiver.Received request)
    {
        var parts = request.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{request.Body}")));
        Assert.Equal(expected, parts["v1"]);
        Assert.True(WebhookSignature.Verify(secret, request.Signature, request.Body, DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts["t"])), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, request.Signature, request.Body + " ", DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts["t"])), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_other", request.Signature, request.Body, DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts["t"])), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedWithBackoff_EveryAttemptIsRecorded_AndTheSignatureVerifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        var (org, secret) = await SubscribeAsync(app, receiver.Url);
        receiver.Answers.Enqueue(500);
        receiver.Answers.Enqueue(503);
        (await org.Owner.PostAsync($"{org.Path}/notifications/test", null)).EnsureSuccessStatusCode();
        var id = (await DeliveryAsync(org.Owner, org)).GetProperty("id").GetGuid();

        await DeliverAsync(id);
        var first = await DeliveryAsync(org.Owner, org);
        Assert.Equal("Pending", first.GetProperty("status").GetString());
        Assert.Equal(1, first.GetProperty("attempts").GetInt32());
        Assert.Contains("500", first.GetProperty("lastError").GetString());
        Assert.Equal(Clock.GetUtcNow().AddMinutes(1), first.GetProperty("nextAttemptAt").GetDateTimeOffset());
        // The retry is a scheduled Hangfire job for this notification.
        var scheduled = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100);
        Assert.Contains(scheduled, j => j.Value.Job.Method.Name == nameof(NotificationDeliveryJob.DeliverAsync) && (Guid)j.Value.Job.Args[0] == id);

        await DeliverAsync(id); // a duplicate run before the retry is due sends nothing
        Assert.Single(receiver.Requests);

        Clock.Advance(TimeSpan.FromMinutes(1));
        await DeliverAsync(id);
        var second = await DeliveryAsync(org.Owner, org);
        Assert.Equal(Clock.GetUtcNow().AddMinutes(5), second.GetProperty("nextAttemptAt").GetDateTimeOffset());

        Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.WhenAll(DeliverAsync(id), DeliverAsync(id)); // two workers: one attempt
        await DeliverAsync(id);
        var done = await DeliveryAsync(org.Owner, org);
        Assert.Equal("Delivered", done.GetProperty("status").GetString());
        Assert.Equal([500, 503, 200], done.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()).ToArray());
        Assert.Equal(3, receiver.Requests.Count);

        foreach (var request in receiver.Requests)
        {
            AssertSignedBy(secret, request);
            Assert.Equal("test", request.Event);
            Assert.Equal(id.ToString(), request.Delivery);
            var body = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(id, body.GetProperty("id").GetGuid());
            Assert.Equal(org.Id, body.GetProperty("organizationId").GetGuid());
        }
    }

    [Fact]
    public async Task ReceiverThatNeverAnswers2xx_IsGivenUpAfterSixAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        var (org, _) = await SubscribeAsync(app, receiver.Url);
        for (var i = 0; i < 10; i++) receiver.Answers.Enqueue(500);
        (await org.Owner.PostAsync($"{org.Path}/notifications/test", null)).EnsureSuccessStatusCode();
        var id = (await DeliveryAsync(org.Owner, org)).GetProperty("id").GetGuid();

        await DeliverAsync(id);
        foreach (var delay in NotificationOptions.RetryDelays)
        {
            Clock.Advance(delay);
            await DeliverAsync(id);
        }
        Clock.Advance(TimeSpan.FromDays(1));
        await DeliverAsync(id);
        var owner = await ApiActors.ClientForAsync(app, org.OwnerEmail); // the clock moved past the first token's hour
        var failed = await DeliveryAsync(owner, org);
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Equal(6, failed.GetProperty("attemptLog").GetArrayLength());
        Assert.Equal(6, receiver.Requests.Count);
    }

    [Fact]
    public async Task Alerts_RotationDue_KeyExpiring_AndAuditChainBroken_AreRaisedOnceEach_AndDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);
        var project = await TokenProject.CreateAsync(app, policyChanges: new { rotationIntervalDays = 7 }); // an imported Active certificate
        var org = project.Org;
        (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = receiver.Url })).EnsureSuccessStatusCode();
        await project.KeyAsync(expiresAt: Clock.GetUtcNow().AddDays(10));
        Clock.Advance(TimeSpan.FromDays(8)); // the certificate is past its interval; the key expires in 2 days

        // The rotation job raises "rotation due" at once; the scan finds the key and the broken chain, and raises nothing twice.
        await app.Services.GetRequiredService<Portal.Features.Certificates.CertificateRotationJob>().RunAsync(CancellationToken.None);
        await using (var db = await app.Services.GetRequiredService<Portal.Data.Tenancy.TenantDb>().GlobalAsync(CancellationToken.None))
        {
            db.AuditVerifications.Add(new Portal.Data.Audit.AuditVerification { CheckedAt = Clock.GetUtcNow(), Intact = false, Message = "Event 7 was changed." });
            await db.SaveChangesAsync();
        }
        var scan = app.Services.GetRequiredService<NotificationScanJob>();
        await Task.WhenAll(scan.RunAsync(CancellationToken.None), scan.RunAsync(CancellationToken.None));
        await scan.RunAsync(CancellationToken.None);

        List<Portal.Data.Notifications.Notification> raised;
        await using (var db = await app.Services.GetRequiredService<Portal.Data.Tenancy.TenantDb>().ForOrganizationAsync(org.Id, CancellationToken.None))
            raised = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Notifications);
        Assert.Equal(["api_key.expiring", "audit_chain.broken", "certificate.rotation_due"], raised.Select(n => n.Kind).Order());
        foreach (var n in raised) await DeliverAsync(n.Id);
        Assert.Equal(["api_key.expiring", "audit_chain.broken", "certificate.rotation_due"], receiver.Requests.Select(r => r.Event!).Order());
        var rotation = JsonDocument.Parse(receiver.Requests.Single(r => r.Event == "certificate.rotation_due").Body).RootElement.GetProperty("data");
        Assert.Equal(project.ProjectId, rotation.GetProperty("projectId").GetGuid());
    }

    [Fact]
    public async Task WebhookUrl_MustBeHttps_AndOnlyMembersWhoManageMaySetIt()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        await ProblemAssert.IsProblemAsync(await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "http://example.com/hook" }),
            HttpStatusCode.BadRequest, "webhook_url_invalid");
        await ProblemAssert.IsProblemAsync(await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "not a url" }),
            HttpStatusCode.BadRequest, "webhook_url_invalid");
        await ProblemAssert.IsProblemAsync(await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { emailRecipients = new[] { "nobody" } }),
            HttpStatusCode.BadRequest, "email_invalid");
        var auditor = await ApiActors.MemberAsync(app, org.Owner, org.Id, "Auditor");
        await ProblemAssert.IsProblemAsync(await auditor.Client.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "https://example.com/hook" }),
            HttpStatusCode.Forbidden, "role_forbidden");
        await ProblemAssert.IsProblemAsync(await org.Owner.PostAsync($"{org.Path}/notifications/test", null), HttpStatusCode.Conflict, "no_channel");
    }
}

/// Without the test switch (production), a plain-HTTP loopback receiver is refused too.
public sealed class WebhookHttpsTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task LoopbackHttpWebhook_IsRefused_WithoutTheSwitch()
    {
        var org = await ApiActors.OrganizationAsync(app, await ApiActors.PlatformAdminAsync(app));
        await ProblemAssert.IsProblemAsync(await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "http://127.0.0.1:9/hook" }),
            HttpStatusCode.BadRequest, "webhook_url_invalid");
        (await org.Owner.PutAsJsonAsync($"{org.Path}/notifications", new { webhookUrl = "https://hooks.example.com/portal" })).EnsureSuccessStatusCode();
    }
}
