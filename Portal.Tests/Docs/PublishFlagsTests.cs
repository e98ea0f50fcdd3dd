namespace Portal.Tests.Docs;

/// `docker build` cannot run here, so the image is held to what the load benchmark measures: the same publish flags.
public sealed class PublishFlagsTests
{
    [Fact]
    public void Dockerfile_PublishesPortal_AsTheLoadBenchmarkMeasuresIt()
    {
        var root = RepositoryRoot();
        var dockerfile = File.ReadAllText(Path.Combine(root, "Dockerfile"));
        var loadScript = File.ReadAllText(Path.Combine(root, "Portal.Benchmarks", "load", "run-load.sh"));

        Assert.Contains("dotnet publish \"$project\" -c Release -r linux-x64 --self-contained false", loadScript);
        Assert.Contains("ARG RID=linux-x64", dockerfile);
        Assert.Contains("dotnet publish Portal/Portal.csproj -c Release -r $RID --self-contained false", dockerfile);
        // Everything else comes from the one props file both builds import.
        Assert.Contains("<Import Project=\"Publish.props\" />", File.ReadAllText(Path.Combine(root, "Portal", "Portal.csproj")));
        Assert.Contains("<Import Project=\"../../Portal/Publish.props\" />",
            File.ReadAllText(Path.Combine(root, "Portal.Benchmarks", "Ceiling", "Portal.Ceiling.csproj")));
        Assert.Contains("System.Runtime.TieredCompilation.CallCountingDelayMs", File.ReadAllText(Path.Combine(root, "Portal", "Publish.props")));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test binaries");
    }
}
