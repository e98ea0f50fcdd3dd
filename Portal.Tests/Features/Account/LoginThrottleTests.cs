using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Features.Account;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Account;

/// Credential stuffing: one address trying a few passwords on each of many accounts never trips an account's
/// lockout, so the address itself is throttled after 20 failures in 10 minutes, on the API and the login page alike.
public sealed class LoginThrottleTests
{
    private static PortalAppFactory NewApp() => new(settings: new Dictionary<string, string?> { ["Portal:Security:LoginFailuresPerAddress"] = "20" },
        clock: new FakeTimeProvider(DateTimeOffset.UtcNow));

    private static Task<HttpResponseMessage> LoginAsync(PortalAppFactory app, string address, string email, string password) =>
        ClientAddressStartupFilter.From(app.CreateClient(), address).PostAsJsonAsync("/api/v1/auth/token", new { email, password });

    [Fact]
    public async Task ManyAccountsFromOneAddress_TheAddressIsThrottled_NotTheAccounts()
    {
        await using var app = NewApp();
        var users = new List<string>();
        for (var i = 0; i < 5; i++) users.Add((await TestUsers.CreateAsync(app)).Email!);

        for (var i = 0; i < 20; i++)
        {
            var email = i % 4 == 3 ? $"nobody{i}@example.test" : users[i % 5];
            await ProblemAssert.IsProblemAsync(await LoginAsync(app, "203.0.113.7", email, "guess-" + i), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var refused = await LoginAsync(app, "203.0.113.7", users[0], TestUsers.Password);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "too_many_login_attempts");
        Assert.Contains("10 minutes", problem.GetProperty("detail").GetString());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        // The accounts were guessed at 3 times each at most: none is locked, and their owners sign in from elsewhere.
        Assert.Equal(HttpStatusCode.Created, (await LoginAsync(app, "198.51.100.1", users[0], TestUsers.Password)).StatusCode);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var blocks = await db.AuditEvents.Where(e => e.Type == AuditEventType.SignInThrottled).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Contains("203.0.113.7", Assert.Single(blocks).Details);
        }

        app.Clock!.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Created, (await LoginAsync(app, "203.0.113.7", users[1], TestUsers.Password)).StatusCode);
    }

    [Fact]
    public async Task LoginPage_FromAThrottledAddress_IsRefusedWithoutCheckingThePassword()
    {
        await using var app = NewApp();
        var user = await TestUsers.CreateAsync(app);
        for (var i = 0; i < 20; i++) await LoginAsync(app, "2001:db8:1:2::10", $"nobody{i}@example.test", "guess");

        // Another address in the same /64 is the same subscriber.
        var page = ClientAddressStartupFilter.From(app.CreateBrowserLikeClient(), "2001:db8:1:2::99");
        var response = await IdentityPages.LoginAsync(page, user.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Lockout", response.Headers.Location!.ToString());
        var stored = await app.Services.CreateScope().ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.Identity.PortalUser>>()
            .FindByEmailAsync(user.Email!);
        Assert.Equal(0, stored!.AccessFailedCount); // the throttle answered before any password check
    }

    [Fact]
    public void Window_BlocksAtTheLimit_AndReopensAsTheOldestFailureAgesOut()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.Zero));
        var throttle = new LoginThrottle(clock, Options.Create(new PortalOptions { Security = { LoginFailuresPerAddress = 3, LoginWindowMinutes = 10 } }));

        Assert.False(throttle.RecordFailure("a"));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(throttle.RecordFailure("a"));
        Assert.Null(throttle.RetryAfter("a"));
        Assert.True(throttle.RecordFailure("a")); // the one that starts the block
        Assert.Equal(TimeSpan.FromMinutes(8), throttle.RetryAfter("a"));
        Assert.Null(throttle.RetryAfter("b"));

        clock.Advance(TimeSpan.FromMinutes(8)); // the first failure ages out
        Assert.Null(throttle.RetryAfter("a"));
        Assert.True(throttle.RecordFailure("a")); // three within the window again
        Assert.Equal(TimeSpan.FromMinutes(2), throttle.RetryAfter("a"));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    public void Addresses_AreCountedPerIPv4AddressAndPerIPv6Slash64(string remote, string expected)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        Assert.Equal(expected, LoginThrottle.AddressOf(http));
    }
}
