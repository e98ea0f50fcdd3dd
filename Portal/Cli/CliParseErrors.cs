using System.CommandLine;
using System.CommandLine.Parsing;

namespace Portal.Cli;

/// System.CommandLine answers a parse error with the help text and exit 1. Portal prints one line naming the
/// flag (`--flag: code: message`, the same shape as the token commands' own errors) and exits 2, so scripts
/// can tell a misused command from a command that ran and failed.
internal static class CliParseErrors
{
    public const int UsageExitCode = 2;

    public static async Task<int> ReportAsync(ParseResult parsed, TextWriter error)
    {
        var first = parsed.Errors[0];
        var line = parsed.UnmatchedTokens.Count > 0
            ? $"{parsed.UnmatchedTokens[0]}: argument_unknown: Unrecognized command or argument '{parsed.UnmatchedTokens[0]}'."
            : first.SymbolResult switch
            {
                OptionResult { IdentifierToken: null } o => $"{o.Option.Name}: value_missing: {first.Message}",
                OptionResult o => $"{o.Option.Name}: argument_invalid: {first.Message}",
                ArgumentResult { Tokens.Count: 0 } a => $"{a.Argument.Name}: value_missing: {first.Message}",
                ArgumentResult a => $"{a.Argument.Name}: argument_invalid: {first.Message}",
                CommandResult c => $"{c.Command.Name}: command_invalid: {first.Message} See '--help'.",
                _ => $"{first.Message}",
            };
        await error.WriteLineAsync(line);
        return UsageExitCode;
    }
}
