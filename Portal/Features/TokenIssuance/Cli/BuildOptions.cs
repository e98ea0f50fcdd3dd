using System.CommandLine;
using System.Security.Cryptography;
using Portal.Tokens;
using Portal.Tokens.Legacy;

namespace Portal.Features.TokenIssuance.Cli;

/// What every `token build` command needs once its options are read.
internal sealed record BuildInput(string AppId, string Certificate, uint IssueTs, uint Salt, uint Expire, bool Is006)
{
    /// 006 times are absolute: ports write the message timestamp as issue time + 24 h (TOKENS.md §2).
    public uint MessageTs006 => AccessToken006.MessageTsFor(IssueTs);

    /// A 006 privilege time: issue time + seconds; 0 stays 0 ("never expires" in 006).
    public uint At006(uint seconds) => AccessToken006.ExpiryFor(IssueTs, seconds);
}

/// The options shared by `token build rtc|rtm|chat`. Without --issued-at and --salt a build uses the current
/// time and a salt drawn from RandomNumberGenerator, as the engine leaves both to its caller.
internal sealed class BuildOptions
{
    private readonly Option<string> _appId = new("--app-id") { HelpName = "HEX32", Description = "App ID: 32 hexadecimal characters.", Required = true };
    private readonly Option<string> _certificate = new("--app-certificate") { HelpName = "HEX32", Description = "App Certificate: 32 hexadecimal characters.", Required = true };
    private readonly Option<string> _expire = new("--expire") { HelpName = "SECONDS", Description = "Token lifetime in seconds, 1..86400.", Required = true };
    private readonly Option<string> _issuedAt = new("--issued-at") { HelpName = "UNIX", Description = "Issue time in Unix seconds [default: now]." };
    private readonly Option<string> _salt = new("--salt") { HelpName = "N", Description = "Salt, 1..99999999 [default: cryptographically random]." };
    private readonly Option<string>? _format;

    public BuildOptions(bool withFormat)
    {
        if (withFormat)
            _format = new("--format") { HelpName = "007|006", Description = "007 (AccessToken2) or 006 (legacy AccessToken) [default: 007]." };
    }

    /// Adds the options in the order of the usage line: credentials, the command's own options, then times.
    public void AddTo(Command command, params Option[] specific)
    {
        command.Options.Add(_appId);
        command.Options.Add(_certificate);
        foreach (var option in specific) command.Options.Add(option);
        command.Options.Add(_expire);
        if (_format is not null) command.Options.Add(_format);
        command.Options.Add(_issuedAt);
        command.Options.Add(_salt);
    }

    public BuildInput Read(ParseResult parsed)
    {
        var format = _format is null ? null : parsed.GetValue(_format);
        if (format is not (null or "007" or "006"))
            throw TokenCli.UsageError("--format", "format_invalid", "--format must be 007 or 006.");

        var expire = TokenCli.ReadUInt(parsed, _expire)!.Value;
        TokenCli.ThrowIf(TokenInputRules.ValidateExpire(expire, "--expire"));

        uint issueTs;
        if (TokenCli.ReadUInt(parsed, _issuedAt) is { } given)
            issueTs = given;
        else
            TokenCli.ThrowIf(TokenInputRules.TryGetIssueTs(TimeProvider.System.GetUtcNow(), out issueTs));

        var salt = TokenCli.ReadUInt(parsed, _salt) ?? (uint)RandomNumberGenerator.GetInt32(1, (int)TokenInputRules.MaxSalt + 1);
        TokenCli.ThrowIf(TokenInputRules.ValidateSalt(salt));

        return new(parsed.GetValue(_appId)!, parsed.GetValue(_certificate)!, issueTs, salt, expire, format == "006");
    }
}
