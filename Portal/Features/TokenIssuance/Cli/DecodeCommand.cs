using System.CommandLine;
using Portal.Tokens;
using Portal.Tokens.Inspection;

namespace Portal.Features.TokenIssuance.Cli;

/// `Portal token decode TOKEN`: the token's fields as one JSON object (TokenDecodeJson). A malformed token
/// exits 1, like a token that fails `verify`: the token is the data under inspection, not a misused argument.
internal static class DecodeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var token = new Argument<string>("TOKEN") { Description = "A 006 or 007 token." };
        var command = new Command("decode", "Print a token's fields as JSON (no certificate needed, nothing verified). Exit 1 if malformed.");
        command.Arguments.Add(token);
        TokenCli.SetAction(command, error, TokenCli.Flags(), parsed =>
        {
            try
            {
                output.WriteLine(TokenDecodeJson.Decode(parsed.GetValue(token)!));
                return TokenCli.Success;
            }
            catch (TokenFormatException ex)
            {
                error.WriteLine($"TOKEN: {ex.Code}: {ex.Error.Message}");
                return TokenCli.Invalid;
            }
        });
        return command;
    }
}
