using System.CommandLine;
using Portal.Features.TokenIssuance.Cli;

namespace Portal.Cli;

/// Further command groups (e.g. `Portal token ...`) register here so PortalCli stays small.
internal static class CliExtensions
{
    public static IEnumerable<Command> Commands(TextWriter output, TextWriter error)
    {
        yield return TokenCommand.Create(output, error);
    }
}
