namespace Sluice.Server.Hosting;

/// <summary>
/// <c>&lt;data-dir&gt;/serve.lock</c>, held (an exclusive advisory lock) by <c>sluice serve</c> for as long as it runs: a second
/// server on the same directory and <c>sluice restore</c> into it are refused. The kernel drops it when the process ends,
/// however it ends.
/// </summary>
public static class DataDirectoryLock
{
    public const string FileName = "serve.lock";

    /// <summary>The held lock, or null when another process holds it.</summary>
    public static FileStream? TryAcquire(string root)
    {
        Directory.CreateDirectory(root);
        try
        {
            return new FileStream(Path.Combine(root, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
