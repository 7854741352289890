using System.Text.Json;

namespace Sluice.Cli.Commands.Hooks;

/// <summary>
/// <c>sluice emails add|list|enable|disable|delete</c>: extra recipients of your account's notification email (at most 10).
/// </summary>
internal static class RecipientText
{
    public const string Path = "notifications/public/v1/api/custom-emails";

    public static string Status(JsonElement recipient) =>
        recipient.TryGetProperty("disabled_at", out var disabled) && disabled.ValueKind != JsonValueKind.Null ? "disabled" : "enabled";

    /// <summary>The API's 404 <c>{"status":"NOT FOUND"}</c> made specific.</summary>
    public static async Task<JsonElement> NotFoundAsAsync(Func<Task<JsonElement>> call, long id)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CliException e) when (e.Message.Contains("(HTTP 404)", StringComparison.Ordinal))
        {
            throw new CliException($"email recipient {id} was not found in your account (see 'sluice emails list')", e);
        }
    }
}
