using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary>
/// <c>sluice sources create NAME [--type github] [--signing-secret S] [--schema S] [--primary-key K] [--table-from R] [--capture-header H]... [--max-depth N]</c>:
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

    private readonly Option<string> _type = new("--type")
    {
        Description = "The integration, e.g. github, stripe, sendgrid (sluice integrations list); its layout and signature check apply. Default: incoming-webhook.",
        HelpName = "NAME",
        DefaultValueFactory = _ => "incoming-webhook",
    };

    private readonly Option<string?> _signingSecret = new("--signing-secret")
    {
        Description = "The provider's signing secret (or SendGrid's verification key); read from $SLUICE_SIGNING_SECRET when this is '-'. Never shown again.",
        HelpName = "SECRET",
    };

    private readonly LayoutOptions _layout = new();

    public CreateSourceCommand(CliEnvironment env)
        : base("create", "Create a source (Incoming Webhooks, or a provider's integration with --type) and print its webhook URL.", env)
    {
        Arguments.Add(_displayName);
        Options.Add(_schema);
        Options.Add(_primaryKey);
        Options.Add(_type);
        Options.Add(_signingSecret);
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
        if (parseResult.GetValue(_signingSecret) is { } secret)
        {
            properties["signing_secret"] = secret == "-"
                ? Environment.GetVariable("SLUICE_SIGNING_SECRET") ?? throw new CliException("--signing-secret - reads $SLUICE_SIGNING_SECRET, which is not set.")
                : secret;
        }

        var type = parseResult.GetValue(_type)!;

        var body = new JsonObject
        {
            ["display_name"] = parseResult.GetRequiredValue(_displayName),
            ["type"] = type.StartsWith("webhook.", StringComparison.Ordinal) ? type : "webhook." + type,
            ["properties"] = properties,
        };
        if (parseResult.GetValue(_schema) is { } schema)
        {
            body["name"] = schema;
        }

        try
        {
            return await api.PostAsync("v4/sources", body, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            // The API names its JSON fields; on the command line they are the argument and options.
            throw new CliException(InCommandLineTerms(ex.Message), ex);
        }
    }

    internal static string InCommandLineTerms(string message) => message
        .Replace("with \"name\"", "with --schema", StringComparison.Ordinal)
        .Replace("in \"name\"", "with --schema", StringComparison.Ordinal)
        .Replace("display_name", "NAME", StringComparison.Ordinal)
        .Replace("webhookz_primary_key", "--primary-key", StringComparison.Ordinal);

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
