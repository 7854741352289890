using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary>
/// <c>sluice sources create NAME [--schema S] [--primary-key K] [--table-from R] [--capture-header H]... [--max-depth N]</c>:
/// prints the webhook URL, once.
/// </summary>
public sealed class CreateSourceCommand : ApiCommand
{
    private readonly Argument<string> _displayName = new("NAME") { Description = "Display name, e.g. \"Shop Events\"." };

    private readonly Option<string?> _schema = new("--schema")
    {
        Description = "Schema name in the warehouse (default: derived from NAME, e.g. shop_events). Cannot be changed later.",
        HelpName = "NAME",
    };

    private readonly Option<string?> _primaryKey = new("--primary-key")
    {
        Description = "Top-level field that identifies a record; newer records with the same key replace older ones; or a captured header's column, e.g. _sdc_header_x_github_delivery. Cannot be changed later.",
        HelpName = "FIELD",
    };

    private readonly LayoutOptions _layout = new();

    public CreateSourceCommand(CliEnvironment env)
        : base("create", "Create an Incoming Webhooks source and print its webhook URL.", env)
    {
        Arguments.Add(_displayName);
        Options.Add(_schema);
        Options.Add(_primaryKey);
        _layout.AddTo(this);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var properties = new JsonObject();
        if (parseResult.GetValue(_primaryKey) is { } key)
        {
            properties["webhookz_primary_key"] = key;
        }

        _layout.Fill(parseResult, properties);

        var body = new JsonObject
        {
            ["display_name"] = parseResult.GetRequiredValue(_displayName),
            ["type"] = "webhook.incoming-webhook",
            ["properties"] = properties,
        };
        if (parseResult.GetValue(_schema) is { } schema)
        {
            body["name"] = schema;
        }

        return await api.PostAsync("v4/sources", body, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Created {SourceText.Describe(source)}.");
        if (SourceText.Layout(source) is var layout && layout != SourceText.DefaultLayout)
        {
            output.WriteLine($"Layout: {layout}.");
        }

        output.WriteLine("Webhook URL (shown only now; anyone with it can post to this source):");
        output.WriteLine(source.Text("webhook_url"));
    }
}
