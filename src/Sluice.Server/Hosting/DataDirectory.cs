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

    /// <summary>The control plane on SQLite (the default provider).</summary>
    public const string ControlDbFile = "control.db";

    /// <summary>The ingest buffer on SQLite (one node).</summary>
    public const string BufferDbFile = "buffer.db";

    /// <summary>The folder of the accounts' DuckDB files.</summary>
    public const string WarehouseFolder = "warehouse";

    /// <summary>The folder of the Data Protection key ring of a single node.</summary>
    public const string KeysFolder = "keys";

    /// <summary>Account 1's API token, written once (0600) by the first start; the CLI reads it.</summary>
    public const string AdminTokenFile = "admin-token";

    /// <summary>The first web app user's password, written once (0600) by the first start.</summary>
    public const string AdminPasswordFile = "admin-password";

    /// <summary>The URL the server listens on, written at every start; the CLI reads it.</summary>
    public const string ServerUrlFile = "server-url";

    /// <summary>An account's DuckDB file in <see cref="WarehouseFolder"/>.</summary>
    public static string DuckDbFile(long clientId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{clientId}.duckdb");

    public string Root { get; }

    public string ControlDbPath => Path.Combine(Root, ControlDbFile);

    public string BufferDbPath => Path.Combine(Root, BufferDbFile);

    public string WarehouseDir => Path.Combine(Root, WarehouseFolder);

    /// <summary>The Data Protection key ring of a single node (several nodes keep theirs in the control plane).</summary>
    public string KeysPath => Path.Combine(Root, KeysFolder);

    public string AdminTokenPath => Path.Combine(Root, AdminTokenFile);

    public string AdminPasswordPath => Path.Combine(Root, AdminPasswordFile);

    public string DuckDbPath(long clientId) => Path.Combine(WarehouseDir, DuckDbFile(clientId));
}
