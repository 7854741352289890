namespace Sluice.Server.Hosting;

/// <summary>
/// Which parts of Sluice this process runs (<c>Sluice:Roles</c>, flag <c>--roles</c>): comma-separated from
/// <c>ingest</c>, <c>api</c>, <c>loader</c>, <c>dispatcher</c>; default all. Several nodes can share the work.
/// </summary>
public sealed class SluiceRoles
{
    public const string Ingest = "ingest";
    public const string Api = "api";
    public const string Loader = "loader";
    public const string Dispatcher = "dispatcher";

    public static readonly IReadOnlyList<string> All = [Ingest, Api, Loader, Dispatcher];

    private readonly HashSet<string> _roles;

    private SluiceRoles(HashSet<string> roles) => _roles = roles;

    public bool Has(string role) => _roles.Contains(role);

    /// <summary>Parses the setting; throws with the allowed names when one is unknown.</summary>
    public static SluiceRoles Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new SluiceRoles([.. All]);
        }

        var roles = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        var unknown = roles.Where(r => !All.Contains(r)).ToList();
        if (unknown.Count > 0 || roles.Count == 0)
        {
            throw new InvalidOperationException(
                $"Sluice:Roles has unknown role(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; allowed: {string.Join(", ", All)} (comma-separated).");
        }

        return new SluiceRoles(roles);
    }

    public static SluiceRoles From(IConfiguration configuration) => Parse(configuration[$"{SluiceOptions.Section}:Roles"]);
}
