using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data.Identity;
using Portal.Features.Account;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Account;

public sealed class ApiLoginTests : IClassFixture<ApiLoginTests.Factory>
{
    public sealed class Factory() : PortalAppFactory(clock: new FakeTimeProvider(DateTimeOffset.UtcNow));

    private readonly Factory _app;
    public ApiLoginTests(Factory app) => _app = app;

    [Fact]
    public async Task AuthToken_WithRightPassword_ReturnsOneHourTokenThatWorks()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = user.Email, password = TestUsers.Password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var token = body.GetProperty("token").GetString()!;
        Assert.StartsWith("ptm_", token);
        Assert.Equal(_app.Clock!.GetUtcNow().AddHours(1), body.GetProperty("expiresAt").GetDateTimeOffset());

        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task AuthToken_WithWrongPassword_Returns401AndLocksAfterFive()
    {
        var user = await TestUsers.CreateAsync(_app);
        var client = _app.CreateClient();
        for (var i = 0; i < 4; i++)
            await ProblemAssert.IsProblemAsync(await LoginAsync(client, user.Email!, "wrong-password-" + i), HttpStatusCode.Unauthorized, "invalid_credentials");

        await ProblemAssert.IsProblemAsync(await LoginAsync(client, user.Email!, "wrong-password-5"), HttpStatusCode.Forbidden, "account_locked");
        await ProblemAssert.IsProblemAsync(await LoginAsync(client, user.Email!, TestUsers.Password), HttpStatusCode.Forbidden, "account_locked");
    }

    [Fact]
    public async Task AuthToken_ForUnknownEmail_AnswersLikeAWrongPassword()
    {
        await ProblemAssert.IsProblemAsync(await LoginAsync(_app.CreateClient(), "nobody@example.test", "whatever password"),
            HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task AuthToken_WhenPasswordMustChange_IsRefused()
    {
        var user = await TestUsers.CreateAsync(_app, mustChangePassword: true);
        await ProblemAssert.IsProblemAsync(await LoginAsync(_app.CreateClient(), user.Email!, TestUsers.Password),
            HttpStatusCode.Forbidden, "password_change_required");
    }

    [Fact]
    public async Task AuthToken_WithTwoFactor_RequiresCodeAndRefusesReplayedCode()
    {
        var user = await TestUsers.CreateAsync(_app);
        var secret = await EnableTwoFactorAsync(user);
        var client = _app.CreateClient();

        await ProblemAssert.IsProblemAsync(await LoginAsync(client, user.Email!, TestUsers.Password), HttpStatusCode.Unauthorized, "otp_required");
        await ProblemAssert.IsProblemAsync(await LoginAsync(client, user.Email!, TestUsers.Password, "000000" == Code(secret) ? "111111" : "000000"),
            HttpStatusCode.Unauthorized, "otp_invalid");

        var code = Code(secret);
        Assert.Equal(HttpStatusCode.Created, (await LoginAsync(client, user.Email!, TestUsers.Password, code)).StatusCode);
        // The same code, still inside its 30-second window, is a replay.
        await ProblemAssert.IsProblemAsync(await LoginAsync(client, user.Email!, TestUsers.Password, code), HttpStatusCode.Unauthorized, "otp_invalid");

        _app.Clock!.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Created, (await LoginAsync(client, user.Email!, TestUsers.Password, Code(secret))).StatusCode);
    }

    private string Code(byte[] secret) => TotpTokenProvider.Compute(secret, _app.Clock!.GetUtcNow().ToUnixTimeSeconds() / 30).ToString("D6");

    private async Task<byte[]> EnableTwoFactorAsync(PortalUser user)
    {
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        await users.ResetAuthenticatorKeyAsync(stored);
        await users.SetTwoFactorEnabledAsync(stored, true);
        return Base32.Decode((await users.GetAuthenticatorKeyAsync(stored))!);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string? otp = null) =>
        client.PostAsJsonAsync("/api/v1/auth/token", new { email, password, otp });
}
