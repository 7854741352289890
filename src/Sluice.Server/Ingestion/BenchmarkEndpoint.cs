using Microsoft.Extensions.Options;

namespace Sluice.Server.Ingestion;

/// <summary>
/// <c>POST /bench/baseline</c>: reads the body like the ingest endpoint does and answers the same 200, without parsing or
/// storing it. bench/ingest.sh compares the real endpoint against it. Mapped only with <c>Sluice:EnableBenchmarkEndpoint</c>.
/// </summary>
public sealed class BenchmarkEndpoint(IOptions<IngestOptions> options)
{
    public const string Route = "/bench/baseline";

    public async Task HandleAsync(HttpContext context)
    {
        using (var body = await RequestBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted))
        {
            if (body.IsTooLarge)
            {
                context.Response.Headers.Connection = "close";
                await IngestResponses.WriteTooLargeAsync(context, body.TooLargeSize, options.Value.MaxBodyBytes);
                return;
            }
        }

        await IngestResponses.WriteAsync(context, StatusCodes.Status200OK, IngestResponses.Accepted);
    }
}
