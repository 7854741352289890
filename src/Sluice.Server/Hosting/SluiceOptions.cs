namespace Sluice.Server.Hosting;

/// <summary>Options of the whole process, bound from the <c>Sluice</c> configuration section.</summary>
public sealed class SluiceOptions
{
    public const string Section = "Sluice";

    /// <summary>Where the embedded stores live (control.db, buffer.db, warehouse/, admin-token). Default <c>./sluice-data</c>; flag <c>--data-dir</c>.</summary>
    public string DataDir { get; set; } = "./sluice-data";

    /// <summary>What webhook URLs start with, e.g. <c>https://hooks.example.com</c>. Default: the first URL the server listens on.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The roles this process runs, comma-separated (see <see cref="SluiceRoles"/>); default all. Flag <c>--roles</c>.</summary>
    public string? Roles { get; set; }

    /// <summary>
    /// Honour <c>X-Forwarded-Proto</c>/<c>X-Forwarded-For</c> from a reverse proxy on the same machine (loopback only), so
    /// that behind a TLS-terminating proxy the session cookie is Secure and client addresses are right. Headers from any
    /// other address are ignored. Default true.
    /// </summary>
    public bool TrustLoopbackProxy { get; set; } = true;

    public string FullDataDir => Path.GetFullPath(DataDir);
}
