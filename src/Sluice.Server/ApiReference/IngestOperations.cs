using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Sluice.Server.Ingestion;

namespace Sluice.Server.ApiReference;

/// <summary>
/// The ingest URL in the document (README "Ingest contract"): POST stores records, HEAD probes the URL, GET answers only a
/// provider's URL check (Dropbox). The bodies are the fixed ones of <see cref="IngestResponses"/>.
/// </summary>
internal static class IngestOperations
{
    public const string AcceptedSchema = "IngestAccepted";
    public const string ErrorSchema = "IngestError";
    public const string InactiveSchema = "IngestInactive";
    public const string SignatureRefusedSchema = "IngestSignatureRefused";

    public static void AddTo(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        schemas[AcceptedSchema] = Object(
            "The records are committed and fsync'd to the buffer; they load within seconds.",
            new JsonObject { ["status"] = "OK", ["message"] = "Batch Accepted!" },
            ("status", Constant("OK")),
            ("message", Constant("Batch Accepted!")));
        schemas[ErrorSchema] = Object(
            "What was refused and why; nothing of the request was stored.",
            new JsonObject { ["status"] = "ERROR", ["message"] = "Malformed json in the body!", ["error"] = "'}' is invalid after a property name." },
            ("status", Constant("ERROR")),
            ("message", Text("What was refused, e.g. `Malformed json in the body!`, `Not found.`.")),
            ("error", Text("The reason, when there is more to say (absent on 404 and 415).")));
        ((OpenApiSchema)schemas[ErrorSchema]).Required = new HashSet<string>(StringComparer.Ordinal) { "status", "message" };
        schemas[InactiveSchema] = Object(
            "The source is paused or deleted (Stitch's body).",
            new JsonObject { ["error"] = "Forbidden", ["errors"] = new JsonObject { ["error"] = "Connection is not active." } },
            ("error", Constant("Forbidden")),
            ("errors", Object(null, null, ("error", Constant("Connection is not active.")))));
        schemas[SignatureRefusedSchema] = Object(
            "A provider integration with a signing secret got a request whose signature is missing, wrong or stale.",
            new JsonObject { ["status"] = "ERROR", ["message"] = "Signature check failed; nothing was stored.", ["header"] = "Stripe-Signature", ["error"] = "..." },
            ("status", Constant("ERROR")),
            ("message", Constant("Signature check failed; nothing was stored.")),
            ("header", Text("The signature header that was missing or wrong.")),
            ("error", Text("What was wrong with it.")));

        var path = new OpenApiPathItem
        {
            Parameters =
            [
                PathParameter("client_id", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }, "The account's id (`client_id`)."),
                PathParameter(
                    "token",
                    new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9a-f]{64}$" },
                    "The webhook token: 64 lowercase hex characters, shown only when the URL is generated."),
            ],
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Post] = Post(document),
                [HttpMethod.Head] = Head(document),
                [HttpMethod.Get] = Get(document),
            },
        };
        document.Paths ??= [];
        document.Paths[IngestEndpoint.Route] = path;
    }

    private static OpenApiOperation Post(OpenApiDocument document) => new()
    {
        OperationId = "ingest",
        Summary = "Post events to a source",
        Description = """
            A JSON object is one record; a JSON array of objects is one record per element (an empty array stores nothing and
            still answers 200). Any content type is accepted if the body is JSON, except form-encoded and multipart bodies (415)
            for the generic Incoming Webhooks type; provider integrations also read their provider's form bodies. The answer is 200
            only after the records are durably committed. Every record gets `_sdc_received_at` and `_sdc_sequence` (strictly
            increasing per source, array order kept). A provider integration with a signing secret checks the signature first.
            """,
        Tags = Tag(document),
        RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One record (an object) or several (an array of objects), at most `Ingest:MaxBodyBytes` (20 MB), nested at most `Ingest:MaxDepth` (64) deep.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        OneOf =
                        [
                            new OpenApiSchema { Type = JsonSchemaType.Object, Description = "One record." },
                            new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array,
                                Items = new OpenApiSchema { Type = JsonSchemaType.Object },
                                Description = "One record per element.",
                            },
                        ],
                    },
                    Example = new JsonObject { ["id"] = 1001, ["status"] = "paid", ["total"] = 42.5 },
                },
            },
        },
        Responses = new OpenApiResponses
        {
            ["200"] = Json(document, "Stored durably.", AcceptedSchema),
            ["400"] = Json(document, "Malformed JSON, invalid UTF-8, nesting deeper than `Ingest:MaxDepth`, JSON that is not an object or an array of objects, or a kept header longer than `Ingest:MaxHeaderBytes`.", ErrorSchema),
            ["401"] = new OpenApiResponse
            {
                Description = "The source is paused or deleted, or (provider integrations) the signature check failed.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema { OneOf = [Reference(document, InactiveSchema), Reference(document, SignatureRefusedSchema)] },
                    },
                },
            },
            ["404"] = Json(document, "Unknown or revoked token, or another account's token: the same body for all, revealing nothing (`{\"status\":\"ERROR\",\"message\":\"Not found.\"}`).", ErrorSchema),
            ["405"] = new OpenApiResponse { Description = "A method other than POST or HEAD (GET only for a provider's URL check). `Allow: POST, HEAD`." },
            ["413"] = Json(document, "The body is 20 MB (`Ingest:MaxBodyBytes`) or more; refused before it is read.", ErrorSchema),
            ["415"] = Json(document, "A form-encoded or multipart body to a generic Incoming Webhooks source.", ErrorSchema),
            ["503"] = new OpenApiResponse
            {
                Description = "The writer's queue is full or the buffer cannot take writes: nothing was stored; post again after `Retry-After` seconds.",
                Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                },
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = Reference(document, ErrorSchema) } },
            },
        },
    };

    private static OpenApiOperation Head(OpenApiDocument document) => new()
    {
        OperationId = "ingestProbe",
        Summary = "Probe a webhook URL",
        Description = "Providers check a URL with HEAD before they post: 200 for a live URL of an active source, with no body; stores nothing.",
        Tags = Tag(document),
        Responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse { Description = "The URL is live and the source active." },
            ["401"] = new OpenApiResponse { Description = "The source is paused or deleted." },
            ["404"] = new OpenApiResponse { Description = "Unknown or revoked token, or another account's token." },
        },
    };

    private static OpenApiOperation Get(OpenApiDocument document) => new()
    {
        OperationId = "ingestUrlCheck",
        Summary = "Answer a provider's URL check (Dropbox)",
        Description = "Only for an integration whose provider checks its URL with `GET ?challenge=...` (Dropbox): the challenge comes back as text. For every other source GET answers 405.",
        Tags = Tag(document),
        Parameters =
        [
            new OpenApiParameter
            {
                Name = "challenge",
                In = ParameterLocation.Query,
                Description = "The provider's challenge, echoed back.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        ],
        Responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "The challenge, as plain text.",
                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            },
            ["400"] = Json(document, "No `challenge` query parameter.", ErrorSchema),
            ["401"] = Json(document, "The source is paused or deleted.", InactiveSchema),
            ["404"] = Json(document, "Unknown or revoked token, or another account's token.", ErrorSchema),
            ["405"] = new OpenApiResponse { Description = "The source's provider does not check its URL with GET." },
        },
    };

    private static HashSet<OpenApiTagReference> Tag(OpenApiDocument document) => [new OpenApiTagReference(ApiDocumentTransformer.IngestTag, document)];

    private static OpenApiResponse Json(OpenApiDocument document, string description, string schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = Reference(document, schema) } },
    };

    private static OpenApiSchemaReference Reference(OpenApiDocument document, string schema) => new(schema, document);

    private static OpenApiParameter PathParameter(string name, OpenApiSchema schema, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Path,
        Required = true,
        Description = description,
        Schema = schema,
    };

    private static OpenApiSchema Constant(string value) => new() { Type = JsonSchemaType.String, Const = value };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema Object(string? description, JsonNode? example, params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Examples = example is null ? null : [example],
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema, StringComparer.Ordinal),
        Required = properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
    };
}
