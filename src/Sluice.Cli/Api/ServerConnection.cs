using Sluice.Server.Hosting;

namespace Sluice.Cli.Api;

/// <summary>
/// Where the server is and which token to present, each with where it came from (for error messages).
/// Each value is taken from the flag, else the environment variable, else the file the server writes into its data directory.
/// </summary>
public sealed record ServerConnection(Uri BaseAddress, string Token, string TokenOrigin)
{
    public const string UrlVariable = "SLUICE_URL";
    public const string TokenVariable = "SLUICE_TOKEN";
    public const string UrlFileName = DataDirectory.ServerUrlFile;
    public const string TokenFileName = DataDirectory.AdminTokenFile;

    public static ServerConnection Resolve(string? serverFlag, string? tokenFlag, string dataDir, Func<string, string?> getVariable)
    {
        var urlFile = Path.Combine(dataDir, UrlFileName);
        var (url, _) = Pick(serverFlag, "--server", getVariable(UrlVariable), UrlVariable, urlFile)
            ?? throw new CliException(
                $"no server URL: pass --server URL, set {UrlVariable}, or start the server with 'sluice serve' (it writes {urlFile})");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"server URL '{url}' is not an absolute http or https URL such as http://127.0.0.1:5000");
        }

        var tokenFile = Path.Combine(dataDir, TokenFileName);
        var (token, origin) = Pick(tokenFlag, "--token", getVariable(TokenVariable), TokenVariable, tokenFile)
            ?? throw new CliException(
                $"no API token: pass --token TOKEN, set {TokenVariable}, or run on the server's machine where {tokenFile} exists");
        return new ServerConnection(baseAddress, token, origin);
    }

    private static (string Value, string Origin)? Pick(string? flag, string flagName, string? variable, string variableName, string file)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return (flag.Trim(), flagName);
        }

        if (!string.IsNullOrWhiteSpace(variable))
        {
            return (variable.Trim(), variableName);
        }

        if (File.Exists(file))
        {
            var content = File.ReadAllText(file).Trim();
            if (content.Length > 0)
            {
                return (content, file);
            }
        }

        return null;
    }
}
