using Portal.Data;

namespace Portal.Security;

/// The 32-byte key that encrypts the Data Protection key ring. Without it, a copy of the database is useless.
public sealed class MasterKey
{
    public const string FileName = "master.key";

    private MasterKey(byte[] key, bool generated) { Key = key; WasGenerated = generated; }

    internal byte[] Key { get; }

    /// True when Portal created the key file itself (the System page and the start-up log warn about it).
    public bool WasGenerated { get; }

    /// Configured key first, then the data directory's file, then (unless required) a new generated file.
    public static MasterKey Load(PortalOptions options, DataDirectory dataDirectory, ILogger log)
    {
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
            return new MasterKey(Parse(options.MasterKey, "Portal:MasterKey"), generated: false);

        if (options.RequireMasterKey)
            throw new StartupException(
                "Portal:MasterKey is required (Portal:RequireMasterKey=true) but not set: set it to the base64 of 32 random bytes, e.g. `openssl rand -base64 32`.");

        var path = dataDirectory.File(FileName);
        if (File.Exists(path))
            return new MasterKey(Parse(File.ReadAllText(path), path), generated: true);

        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        dataDirectory.WriteOwnerOnly(FileName, Convert.ToBase64String(key));
        log.LogWarning(
            "No Portal:MasterKey configured: generated one at {Path}. Anyone with this file and the database can decrypt certificates; " +
            "set Portal:MasterKey from a secret store in production and keep a backup of it.", path);
        return new MasterKey(key, generated: true);
    }

    private static byte[] Parse(string text, string source)
    {
        byte[] key;
        try { key = Convert.FromBase64String(text.Trim()); }
        catch (FormatException) { throw new StartupException($"{source} is not valid base64: expected the base64 of 32 random bytes."); }
        if (key.Length != 32)
            throw new StartupException($"{source} decodes to {key.Length} bytes: expected the base64 of exactly 32 bytes.");
        return key;
    }
}
