using BenchmarkDotNet.Running;

namespace Portal.Benchmarks;

public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "audit-scale") return await AuditScale.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "fuzz") return await Soak.HostileInputFuzz.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "soak") return await Soak.SoakRun.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
