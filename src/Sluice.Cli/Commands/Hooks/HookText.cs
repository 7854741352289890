using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary>Shared by the hook commands: where the API lives, how a hook reads, and Stitch's bare "NotFound" made specific.</summary>
internal static class HookText
{
    public const string Path = "notifications/public/v1/api/hooks";

    public static string Status(JsonElement hook) =>
        hook.TryGetProperty("disabled_at", out var disabled) && disabled.ValueKind != JsonValueKind.Null ? "disabled" : "enabled";

    public static string Url(JsonElement hook) =>
        hook.TryGetProperty("config", out var config) ? config.Text("url") : string.Empty;

    /// <summary>
    /// Runs <paramref name="call"/>; the API's documented <c>{"error":"NotFound"}</c> (status 400) becomes a message that
    /// names what was not found and where to look.
    /// </summary>
    public static async Task<JsonElement> NotFoundAsAsync(Func<Task<JsonElement>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CliException e) when (e.Message.StartsWith("NotFound (HTTP 400)", StringComparison.Ordinal))
        {
            throw new CliException($"{what} was not found in your account (see 'sluice hooks list')", e);
        }
    }
}
