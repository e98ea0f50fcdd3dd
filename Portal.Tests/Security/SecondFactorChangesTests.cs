using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Identity;
using Portal.Features.Account;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// Turning 2FA off and resetting the authenticator key need the password or a current code (Identity UI's own pages
/// acted on one click): whoever holds a signed-in browser cannot remove the second factor or move it to their phone.
public sealed class SecondFactorChangesTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Disable = "/Identity/Account/Manage/Disable2fa";
    private const string Reset = "/Identity/Account/Manage/ResetAuthenticator";

    [Fact]
    public async Task Disable2fa_WithoutConfirmation_OrWithAWrongPassword_KeepsTheSecondFactor_AndCountsTheGuess()
    {
        var (client, userId, _) = await SignedInWithTwoFactorAsync();

        var bare = await IdentityPages.PostFormAsync(client, Disable, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Contains("to confirm it is you", await bare.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var wrong = await IdentityPages.PostFormAsync(client, Disable, new Dictionary<string, string> { ["Input.Password"] = "not the password" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("not right", await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var user = await UserAsync(userId);
        Assert.True(user.TwoFactorEnabled);
        Assert.Equal(1, user.AccessFailedCount);
    }

    [Fact]
    public async Task Disable2fa_WithThePassword_TurnsItOff_AndThisSessionGoesOn()
    {
        var (client, userId, _) = await SignedInWithTwoFactorAsync();
        var done = await IdentityPages.PostFormAsync(client, Disable, new Dictionary<string, string> { ["Input.Password"] = TestUsers.Password });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.EndsWith("/Manage/TwoFactorAuthentication", done.Headers.Location!.ToString());
        Assert.False((await UserAsync(userId)).TwoFactorEnabled);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Identity/Account/Manage/TwoFactorAuthentication", TestContext.Current.CancellationToken)).StatusCode);
        // Opened again with 2FA off, the page says so rather than failing.
        var again = await client.GetAsync(Disable, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task ResetAuthenticator_NeedsConfirmation_AndACurrentCodeConfirmsAsWellAsThePassword()
    {
        var (client, userId, key) = await SignedInWithTwoFactorAsync();
        var oldKey = await KeyAsync(userId);

        var bare = await IdentityPages.PostFormAsync(client, Reset, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Equal(oldKey, await KeyAsync(userId));
        Assert.True((await UserAsync(userId)).TwoFactorEnabled);

        // The sign-in used this time step's code, and a code is accepted once: the next step's is still current.
        var code = TotpTokenProvider.Compute(key, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 + 1).ToString("D6");
        var done = await IdentityPages.PostFormAsync(client, Reset, new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.EndsWith("/Manage/EnableAuthenticator", done.Headers.Location!.ToString());
        var user = await UserAsync(userId);
        Assert.False(user.TwoFactorEnabled);
        var newKey = await KeyAsync(userId);
        Assert.NotEqual(oldKey, newKey);

        // The new key's first code is accepted even in the time step the old key's code was just used in.
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var first = TotpTokenProvider.Compute(Base32.Decode(newKey!), DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 + 1).ToString("D6");
        Assert.True(await users.VerifyTwoFactorTokenAsync((await users.FindByIdAsync(userId))!, users.Options.Tokens.AuthenticatorTokenProvider, first));
    }

    [Fact]
    public async Task SetUpAuthenticator_WhileTwoFactorIsOn_NeverShowsTheCurrentKey()
    {
        // Copying the key would give whoever holds the browser codes that pass every confirmation above.
        var (client, userId, _) = await SignedInWithTwoFactorAsync();
        var key = (await KeyAsync(userId))!;
        var response = await client.GetAsync("/Identity/Account/Manage/EnableAuthenticator", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/Manage/TwoFactorAuthentication", response.Headers.Location!.ToString());
        var page = await client.GetStringAsync(response.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Contains("its key is not shown again", page);
        Assert.DoesNotContain(key, page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key[..4].ToLowerInvariant() + " " + key[4..8].ToLowerInvariant(), page);
    }

    [Fact]
    public async Task NewRecoveryCodes_NeedConfirmation()
    {
        var (client, userId, _) = await SignedInWithTwoFactorAsync();
        const string Path = "/Identity/Account/Manage/GenerateRecoveryCodes";
        var bare = await IdentityPages.PostFormAsync(client, Path, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Equal(0, await RecoveryCodesAsync(userId));

        var done = await IdentityPages.PostFormAsync(client, Path, new Dictionary<string, string> { ["Input.Password"] = TestUsers.Password });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.EndsWith("/Manage/ShowRecoveryCodes", done.Headers.Location!.ToString());
        Assert.Equal(10, await RecoveryCodesAsync(userId));
        var shown = await client.GetStringAsync(done.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Contains("recovery codes", shown, StringComparison.OrdinalIgnoreCase);
    }

    /// A user with an authenticator app, signed in through both steps like a browser.
    private async Task<(HttpClient Client, string UserId, byte[] Key)> SignedInWithTwoFactorAsync()
    {
        var created = await TestUsers.CreateAsync(app);
        string key;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(created.Id))!;
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        var secret = Base32.Decode(key);
        var client = app.CreateBrowserLikeClient();
        var login = await IdentityPages.LoginAsync(client, created.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains("LoginWith2fa", login.Headers.Location!.ToString());
        var code = TotpTokenProvider.Compute(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30).ToString("D6");
        var second = await IdentityPages.PostFormAsync(client, login.Headers.Location!.ToString(), new Dictionary<string, string>
        {
            ["Input.TwoFactorCode"] = code,
            ["Input.RememberMachine"] = "false",
        });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.DoesNotContain("Login", second.Headers.Location!.ToString());
        return (client, created.Id, secret);
    }

    private async Task<string?> KeyAsync(string id)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(id))!);
    }

    private async Task<int> RecoveryCodesAsync(string id)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await users.CountRecoveryCodesAsync((await users.FindByIdAsync(id))!);
    }

    private async Task<PortalUser> UserAsync(string id)
    {
        using var scope = app.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(id))!;
    }
}
