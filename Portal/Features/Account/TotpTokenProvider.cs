using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Portal.Data.Identity;

namespace Portal.Features.Account;

/// RFC 6238 authenticator codes that are accepted once. ASP.NET Core's AuthenticatorTokenProvider accepts the
/// same code again for as long as its time window lasts; this one remembers the last accepted time step per
/// user and refuses that step and every earlier one.
public sealed class TotpTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<PortalUser>
{
    public const string Name = "PortalAuthenticator";
    private const int StepSeconds = 30;
    private const int AllowedDriftSteps = 1;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<PortalUser> manager, PortalUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// Codes come from the user's authenticator app, never from the server.
    public Task<string> GenerateAsync(string purpose, UserManager<PortalUser> manager, PortalUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<PortalUser> manager, PortalUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || !TryParseCode(token, out var code)) return false;

        var secret = Base32.Decode(key);
        var currentStep = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var step = currentStep - AllowedDriftSteps; step <= currentStep + AllowedDriftSteps; step++)
        {
            if (Compute(secret, step) != code) continue;
            if (step <= user.LastTotpTimeStep) return false; // replay of an accepted (or older) code
            user.LastTotpTimeStep = step;
            // UpdateAsync checks the concurrency stamp: of two simultaneous uses of one code only one is saved.
            return (await manager.UpdateAsync(user)).Succeeded;
        }
        return false;
    }

    internal static int Compute(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = (hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3];
        return binary % 1_000_000;
    }

    private static bool TryParseCode(string token, out int code)
    {
        var digits = token.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        code = 0;
        return digits.Length == 6 && int.TryParse(digits, System.Globalization.NumberStyles.None, null, out code);
    }
}

internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[] Decode(string input)
    {
        var text = input.TrimEnd('=').ToUpperInvariant();
        var output = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c);
            if (value < 0) throw new FormatException("The authenticator key is not base32.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return output;
    }
}
