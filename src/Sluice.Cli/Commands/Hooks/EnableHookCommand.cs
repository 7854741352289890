using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice hooks enable ID</c> and <c>sluice hooks disable ID</c>: one request, <c>PUT {"enable": true|false}</c>.</summary>
public sealed class EnableHookCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the hook (see 'sluice hooks list')." };
    private readonly bool _enable;

    public EnableHookCommand(CliEnvironment env, bool enable)
        : base(
            enable ? "enable" : "disable",
            enable ? "Re-enable a hook: it receives the loads from now on." : "Disable a hook: it receives nothing until re-enabled.",
            env)
    {
        _enable = enable;
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id);
        var body = new JsonObject { ["enable"] = _enable };
        return await HookText.NotFoundAsAsync(() => api.PutAsync($"{HookText.Path}/{id}", body, cancellationToken), $"hook {id}").ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement hook, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"{(_enable ? "Enabled" : "Disabled")} hook {hook.Text("id")}: {HookText.Url(hook)}.");
    }
}
