using System.Runtime.InteropServices;

namespace Portal.Tokens.Tests;

public sealed class EngineDependencyTests
{
    [Fact]
    public void Portal_Tokens_references_only_the_base_class_library_and_System_IO_Hashing()
    {
        var references = typeof(AccessToken2).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        // BCL names only...
        Assert.All(references, n => Assert.True(n is "netstandard" or "mscorlib" || n.StartsWith("System.", StringComparison.Ordinal)
            || n.StartsWith("Microsoft.Win32.", StringComparison.Ordinal), $"{n} is not a base class library assembly"));

        // ...and each one ships with the shared runtime, except the one allowed package.
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        Assert.All(references.Where(n => n != "System.IO.Hashing"), n =>
            Assert.True(File.Exists(Path.Combine(runtime, n + ".dll")), $"{n} is not part of the shared framework"));
    }
}
