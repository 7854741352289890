namespace Sluice.Cli.Api;

/// <summary>Which data directory a command means, in the same order as <c>sluice serve</c> reads it.</summary>
public static class DataDirResolver
{
    public const string Default = "./sluice-data";

    /// <summary>The environment variable <c>sluice serve</c> binds to <c>Sluice:DataDir</c>.</summary>
    public const string EnvironmentVariable = "SLUICE_Sluice__DataDir";

    public static string Resolve(string? flag, Func<string, string?> getVariable)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return flag;
        }

        var fromEnvironment = getVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? Default : fromEnvironment;
    }
}
