using System.CommandLine;
using System.Globalization;
using Portal.Tokens;

namespace Portal.Features.TokenIssuance.Cli;

/// Shared plumbing of `Portal token ...`: exit codes, the one-line error format and strict number parsing.
/// Every argument problem, whether found here or by the engine, becomes a TokenInputError whose Field is
/// mapped to the flag the user typed and printed as `--flag: code: message` on stderr, exit 2.
internal static class TokenCli
{
    public const int Success = 0;
    public const int Invalid = 1;
    public const int Usage = 2;

    /// Engine field names (TokenInputError.Field) shared by every build command, and the flags that carry them.
    private static readonly Dictionary<string, string> CommonFlags = new()
    {
        ["appId"] = "--app-id",
        ["certificate"] = "--app-certificate",
        ["salt"] = "--salt",
        ["issuedAt"] = "--issued-at",
        ["expire"] = "--expire",
    };

    public static IReadOnlyDictionary<string, string> Flags(params (string Field, string Flag)[] extra)
    {
        var flags = new Dictionary<string, string>(CommonFlags);
        foreach (var (field, flag) in extra) flags[field] = flag;
        return flags;
    }

    /// Sets a synchronous action that turns TokenInputException into the one-line usage error (exit 2).
    public static void SetAction(Command command, TextWriter error, IReadOnlyDictionary<string, string> flags, Func<ParseResult, int> action) =>
        command.SetAction(parsed =>
        {
            try
            {
                return action(parsed);
            }
            catch (TokenInputException ex)
            {
                // Fields the CLI raises itself are already flag names; engine fields are translated.
                var field = ex.Error.Field ?? "token";
                error.WriteLine($"{flags.GetValueOrDefault(field, field)}: {ex.Code}: {ex.Error.Message}");
                return Usage;
            }
        });

    public static TokenInputException UsageError(string flag, string code, string message) =>
        new TokenInputError(code, message, flag).ToException();

    public static void ThrowIf(TokenInputError? error)
    {
        if (error is not null) throw error.ToException();
    }

    /// Strict unsigned decimal (no sign, spaces or exponent), 0..4294967295. The value is not echoed: a
    /// mistyped command line may have put a secret in its place.
    public static uint? ReadUInt(ParseResult parsed, Option<string> option)
    {
        var text = parsed.GetValue(option);
        if (text is null) return null;
        if (text.Length is 0 or > 10 || !text.All(char.IsAsciiDigit)
            || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > uint.MaxValue)
        {
            throw UsageError(option.Name, "number_invalid", $"{option.Name} must be a whole number from 0 to 4294967295.");
        }

        return (uint)value;
    }

    public static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };
}
