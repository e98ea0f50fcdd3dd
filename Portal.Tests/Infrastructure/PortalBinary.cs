using System.Reflection;

namespace Portal.Tests.Infrastructure;

/// The Portal project's own build output (same configuration as the tests), for tests that run the real program.
public static class PortalBinary
{
    public static string DllPath { get; } = Locate();

    private static string Locate()
    {
        var configuration = typeof(PortalBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Portal.sln not found above the test output directory.");
        var dll = Path.Combine(dir.FullName, "Portal", "bin", configuration, "net10.0", "Portal.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"Build Portal first: {dll} is missing.");
    }
}
