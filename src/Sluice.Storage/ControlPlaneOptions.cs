namespace Sluice.Storage;

/// <summary>Where the control plane lives, bound from the <c>ControlPlane</c> configuration section.</summary>
public sealed class ControlPlaneOptions
{
    public const string Section = "ControlPlane";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default: the file <c>&lt;data-dir&gt;/control.db</c>) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Provider connection string. Default for sqlite: the data directory's control.db; required for postgres.</summary>
    public string? ConnectionString { get; set; }
}
