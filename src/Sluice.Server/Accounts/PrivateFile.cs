namespace Sluice.Server.Accounts;

/// <summary>Writes secrets to files only their owner can read (mode 0600 on Unix), in directories only their owner can open (0700).</summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary><paramref name="path"/>, created if missing, that only this user can open (mode 0700) where the system has modes.</summary>
    public static DirectoryInfo CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path);
        }

        var directory = Directory.CreateDirectory(path, OwnerOnly);
        if (directory.UnixFileMode != OwnerOnly)
        {
            // The mode given applies only to a new directory; an existing one keeps its mode otherwise.
            directory.UnixFileMode = OwnerOnly;
        }

        return directory;
    }

    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only to a new file; an existing one keeps its mode otherwise.
            File.SetUnixFileMode(path, OwnerReadWrite);
        }
    }
}
