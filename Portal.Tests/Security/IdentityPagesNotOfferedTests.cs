using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Data.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Issue 14, item 9: Identity UI pages that would bypass Portal's rules are not offered, and a sign-in costs the same
/// password work whether or not the e-mail has an account.
public sealed class IdentityPagesNotOfferedTests(IdentityPagesNotOfferedTests.Factory app) : IClassFixture<IdentityPagesNotOfferedTests.Factory>
{
    /// Counts password verifications: the work a sign-in does, without measuring time.
    public sealed class CountingHasher : IPasswordHasher<PortalUser>
    {
        private readonly PasswordHasher<PortalUser> _inner = new();
        private int _verifications;
        public int Verifications => Volatile.Read(ref _verifications);
        public string HashPassword(PortalUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    public sealed class Factory : PortalAppFactory
    {
        public CountingHasher Hasher { get; } = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IPasswordHasher<PortalUser>>(Hasher)));
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/Identity/Account/Manage/DeletePersonalData")]
    [InlineData("/Identity/Account/Manage/DownloadPersonalData")]
    [InlineData("/Identity/Account/Manage/PersonalData")]
    public async Task PersonalDataPages_AreNotFound_EvenSignedIn(string path)
    {
        var user = await TestUsers.CreateAsync(app);
        var client = app.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.Redirect, (await IdentityPages.LoginAsync(client, user.Email!, TestUsers.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Password"] = TestUsers.Password }), Ct)).StatusCode);

        using var scope = app.Services.CreateScope();
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(user.Id)); // still there
        var manage = await (await client.GetAsync("/Identity/Account/Manage", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("PersonalData", manage);
        Assert.Contains("TwoFactorAuthentication", manage);
    }

    [Theory]
    [InlineData("/Identity/Account/RegisterConfirmation?email=admin@localhost")]
    [InlineData("/Identity/Account/ResendEmailConfirmation")]
    [InlineData("/Identity/Account/Register")]
    public async Task PagesThatWouldTellWhichAccountsExist_AreNotFound(string path)
    {
        var known = await TestUsers.CreateAsync(app);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateBrowserLikeClient().GetAsync(path.Replace("admin@localhost", known.Email), Ct)).StatusCode);
    }

    [Fact]
    public async Task AuthToken_UnknownAndKnownEmails_DoTheSamePasswordWork()
    {
        var known = await TestUsers.CreateAsync(app);
        var client = app.CreateClient();

        var before = app.Hasher.Verifications;
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { email = known.Email, password = "wrong password" }, Ct),
            HttpStatusCode.Unauthorized, "invalid_credentials");
        var forKnown = app.Hasher.Verifications - before;

        before = app.Hasher.Verifications;
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { email = $"nobody-{Guid.NewGuid():N}@example.test", password = "wrong password" }, Ct),
            HttpStatusCode.Unauthorized, "invalid_credentials");
        var forUnknown = app.Hasher.Verifications - before;

        Assert.Equal(1, forKnown);
        Assert.Equal(forKnown, forUnknown);
    }

    [Fact]
    public async Task LoginPage_UnknownAndKnownEmails_DoTheSamePasswordWork()
    {
        var known = await TestUsers.CreateAsync(app);
        var before = app.Hasher.Verifications;
        await IdentityPages.LoginAsync(app.CreateBrowserLikeClient(), known.Email!, "wrong password");
        var forKnown = app.Hasher.Verifications - before;
        before = app.Hasher.Verifications;
        await IdentityPages.LoginAsync(app.CreateBrowserLikeClient(), $"nobody-{Guid.NewGuid():N}@example.test", "wrong password");
        Assert.Equal(forKnown, app.Hasher.Verifications - before);
        Assert.Equal(1, forKnown);
    }
}
