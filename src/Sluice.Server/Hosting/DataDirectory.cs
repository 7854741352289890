using Microsoft.Extensions.Options;

namespace Sluice.Server.Hosting;

/// <summary>The data directory and the paths of the embedded stores inside it. Created on first use.</summary>
public sealed class DataDirectory
{
    public DataDirectory(IOptions<SluiceOptions> options)
    {
        Root = options.Value.FullDataDir;
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(WarehouseDir);
    }

    public string Root { get; }

    public string ControlDbPath => Path.Combine(Root, "control.db");

    public string BufferDbPath => Path.Combine(Root, "buffer.db");

    public string WarehouseDir => Path.Combine(Root, "warehouse");

    /// <summary>The Data Protection key ring of a single node (several nodes keep theirs in the control plane).</summary>
    public string KeysPath => Path.Combine(Root, "keys");

    public string AdminTokenPath => Path.Combine(Root, "admin-token");

    /// <summary>The first web app user's password, written once (0600) by the first start.</summary>
    public string AdminPasswordPath => Path.Combine(Root, "admin-password");

    public string DuckDbPath(long clientId) => Path.Combine(WarehouseDir, $"{clientId}.duckdb");
}
