using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

public sealed class MasterKeyTests
{
    [Fact]
    public async Task CopyOfDatabase_WithoutTheMasterKey_CannotDecryptProtectedValues()
    {
        string protectedValue, copyDir, originalDir;
        await using (var original = new PortalAppFactory())
        {
            original.CreateClient();
            var protector = original.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            protectedValue = protector.Protect("0123456789abcdef0123456789abcdef");
            Assert.Equal("0123456789abcdef0123456789abcdef", protector.Unprotect(protectedValue));

            // The thief gets the database (the SQLite file and its WAL, or the PostgreSQL database) but not master.key.
            copyDir = TempDirectory.Create();
            foreach (var file in Directory.GetFiles(original.DataDirectory, "portal.db*"))
                File.Copy(file, Path.Combine(copyDir, Path.GetFileName(file)));
            originalDir = original.DataDirectory;
        }

        await using var stolen = new PortalAppFactory(copyDir, TestDatabase.IsPostgres ? TestDatabase.Settings(originalDir) : null);
        stolen.CreateClient();
        var thiefProtector = stolen.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.ThrowsAny<CryptographicException>(() => thiefProtector.Unprotect(protectedValue));
    }

    [Fact]
    public async Task KeyRing_InDatabase_IsEncryptedWithTheMasterKey()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient();
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Data.PortalDbContext>();
        var xml = Assert.Single(db.DataProtectionKeys.Select(k => k.Xml!).ToList());
        Assert.Contains("<masterKeyEncrypted ", xml);
        // Data Protection's plain key element is <masterKey p4:requiresEncryption="true">: it must not be stored.
        Assert.DoesNotContain("<masterKey ", xml);
        Assert.DoesNotContain("requiresEncryption", xml);
    }

    [Fact]
    public async Task MissingMasterKey_WhenRequired_FailsStartUpWithOneLineExplanation()
    {
        var (exitCode, stderr) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["Portal__RequireMasterKey"] = "true",
            ["Portal__DataDirectory"] = TempDirectory.Create(),
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Portal:MasterKey is required", line);
    }

    [Fact]
    public async Task MalformedMasterKey_FailsStartUpNamingTheProblem()
    {
        var (exitCode, stderr) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["Portal__MasterKey"] = Convert.ToBase64String(new byte[16]),
            ["Portal__DataDirectory"] = TempDirectory.Create(),
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("expected the base64 of exactly 32 bytes", stderr);
    }

    /// Starts the real Portal executable (the app, not a test host) and waits for it to exit.
    private static async Task<(int ExitCode, string Stderr)> RunPortalAsync(IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [PortalBinary.DllPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(PortalBinary.DllPath)!,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Portal__Jobs__Storage"] = "InMemory";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        return (process.ExitCode, await stderr);
    }
}
