namespace Portal.Data;

/// The resolved, existing data directory (configuration `Portal:DataDirectory`, relative to the content root).
public sealed class DataDirectory
{
    public DataDirectory(string contentRoot, string configured)
    {
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, configured));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// Writes a file that only the owner may read: the master key and the first-run password live in such files.
    public void WriteOwnerOnly(string name, string content)
    {
        var path = File(name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
