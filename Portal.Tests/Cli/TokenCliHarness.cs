using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Cli;

/// Runs `Portal token ...` in process and reads Agora's vectors (Portal.Tokens.Tests/Vectors/test-vectors.json).
internal static class TokenCliHarness
{
    // The inputs of every agora_repo_test vector.
    public const string AppId = "970CA35de60c44645bbae8a215061b33";
    public const string Certificate = "5CFd2fd1755d40ecb72977518be15d3b";
    public const string Channel = "7d72365eb983485397e3e3f9d460bdda";
    public const uint IssueTs = 1111111;

    private static readonly Lazy<Dictionary<string, string>> Tokens = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cli", "test-vectors.json")));
        return doc.RootElement.GetProperty("vectors").EnumerateArray()
            .ToDictionary(v => v.GetProperty("id").GetString()!, v => v.GetProperty("expected_token").GetString()!);
    });

    public static string VectorToken(string id) => Tokens.Value[id];

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);
        return new(code, output, error);
    }

    /// `token build KIND --app-id --app-certificate` followed by the vectors' issue time and salt, then <paramref name="args"/>.
    public static Task<CliRun> BuildAtVectorTimeAsync(string kind, params string[] args) =>
        RunAsync(["token", "build", kind, "--app-id", AppId, "--app-certificate", Certificate,
            "--issued-at", IssueTs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--salt", "1", .. args]);
}

internal sealed record CliRun(int Code, string Output, string Error)
{
    /// The token a successful build printed: exactly one line on stdout, nothing on stderr.
    public string Token()
    {
        Assert.True(Code == 0, Error);
        Assert.Equal("", Error);
        Assert.EndsWith("\n", Output);
        var token = Output[..^1];
        Assert.DoesNotContain('\n', token);
        return token;
    }

    /// A usage error: exit 2, nothing on stdout, exactly one line on stderr; returns that line.
    public string UsageError()
    {
        Assert.Equal(2, Code);
        Assert.Equal("", Output);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0];
    }
}
