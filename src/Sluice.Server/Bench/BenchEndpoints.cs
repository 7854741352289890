using Microsoft.Extensions.Options;
using Sluice.Server.Ingestion;

namespace Sluice.Server.Bench;

/// <summary>
/// The endpoints bench/ingest.sh measures the real one against, mapped only with <c>Sluice:EnableBenchmarkEndpoint</c>:
/// <c>POST /bench/baseline</c> reads the body like the ingest endpoint does and answers the same 200, without parsing or
/// storing it; <c>POST /bench/floor</c> does all the ingest endpoint does after its token lookup, but commits into
/// <see cref="DurableFloorWriter"/> (one file write and one fsync per group) instead of the buffer.
/// </summary>
public sealed class BenchEndpoints(IOptions<IngestOptions> options, DurableFloorWriter floor)
{
    public const string BaselineRoute = "/bench/baseline";

    public const string FloorRoute = "/bench/floor";

    public async Task HandleBaselineAsync(HttpContext context)
    {
        using (var body = await RequestBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted))
        {
            if (body.IsTooLarge)
            {
                context.Response.Headers.Connection = "close";
                await IngestResponses.WriteTooLargeAsync(context, body.DeclaredSize, options.Value.MaxBodyBytes);
                return;
            }
        }

        await IngestResponses.WriteAsync(context, StatusCodes.Status200OK, IngestResponses.Accepted);
    }

    public Task HandleFloorAsync(HttpContext context) => IngestEndpoint.StoreAsync(context, floor, sourceId: 0, headers: null, options.Value);
}
