using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Core.Loading;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;
using Sluice.Server.Destinations;
using Sluice.Server.Sources;

namespace Sluice.Server.Loading;

/// <summary>
/// <c>/v4/sources/{id}/stats</c> (dashboard figures), <c>/v4/{client_id}/loads</c> (Connect's per-stream load status) and
/// <c>/v4/query</c> (beyond Stitch: one read-only statement on the account's destination).
/// </summary>
internal static class LoadingEndpoints
{
    public const int MaxQueryRows = 10_000;
    private const int LoadsPageSize = 100;

    public static RouteGroupBuilder MapLoadingEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapGet("/sources/{id:long}/stats", StatsAsync).WithTags(ApiTags.Loads)
            .WithSummary("Loading figures of a source")
            .WithDescription("Rows received, to be loaded, loaded today (UTC), last table loaded, last load error; the raw archive; the last reload.");
        v4.MapGet("/{clientId:long}/loads", LoadsAsync).WithTags(ApiTags.Loads)
            .WithSummary("Last load per table")
            .WithDescription("One entry per table loaded in the last 30 days, 100 a page, with the error while loading fails. `clientId` must be the caller's own.");
        v4.MapPost("/query", QueryAsync).WithTags(ApiTags.Loads).Accepts<QueryBody>("application/json")
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Query the warehouse")
            .WithDescription("One read-only statement on the account's destination. 400 with the database's error; 503 `destination_unavailable` while the destination cannot be reached.");
        return v4;
    }

    private static async Task<Results<Ok<SourceStats>, NotFound<ApiError>>> StatsAsync(
        long id, ClaimsPrincipal user, SourceService sources, SourceStatsService stats, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(user.ClientId(), id, cancellationToken);
        return source.Succeeded ? TypedResults.Ok(await stats.GetAsync(source.Value, cancellationToken)) : ApiError.NotFound(source.Error);
    }

    private static async Task<Results<Ok<LoadsPage>, NotFound<ApiError>>> LoadsAsync(
        long clientId, int? page, ClaimsPrincipal user, SourceService sources, IDestinationProvider destinations,
        LoadStatusTracker statuses, TimeProvider time, CancellationToken cancellationToken)
    {
        if (clientId != user.ClientId())
        {
            return ApiError.NotFound($"Account {clientId} was not found.");
        }

        // One entry per table (stream) loaded in the last 30 days, newest load first.
        // While the destination is down its load log cannot be read; the failing sources still show their error below.
        var since = time.GetUtcNow().UtcDateTime.AddDays(-30);
        IReadOnlyList<LoadSummary> loads;
        try
        {
            var destination = await destinations.GetAsync(clientId, cancellationToken);
            loads = await destination.GetLoadsAsync(null, since, 1_000_000, cancellationToken);
        }
        catch (DestinationException)
        {
            loads = [];
        }

        var names = (await sources.ListAsync(clientId, cancellationToken)).ToDictionary(s => s.Id);
        var streams = new Dictionary<(long, string), StreamLoad>();
        foreach (var load in loads)
        {
            foreach (var table in load.Tables)
            {
                var status = statuses.Get(load.SourceId);
                streams[(load.SourceId, table.Table)] = new StreamLoad(
                    clientId,
                    load.Schema,
                    table.Table,
                    status.LastError is null ? load.BatchedAt : null,
                    status.LastError is null ? null : new ErrorState("critical", status.LastError));
            }
        }

        // Sources that never loaded but are failing still show their error.
        foreach (var source in names.Values)
        {
            var status = statuses.Get(source.Id);
            if (status.LastError is not null && !streams.Keys.Any(k => k.Item1 == source.Id))
            {
                streams[(source.Id, "data")] = new StreamLoad(clientId, source.Name, "data", null, new ErrorState("critical", status.LastError));
            }
        }

        var all = streams.Values.OrderBy(s => s.SourceName, StringComparer.Ordinal).ThenBy(s => s.StreamName, StringComparer.Ordinal).ToList();
        var number = Math.Max(1, page ?? 1);
        var data = all.Skip((number - 1) * LoadsPageSize).Take(LoadsPageSize).ToArray();
        var hasNext = number * LoadsPageSize < all.Count;
        var links = new PageLinks(
            hasNext ? $"/v4/{clientId}/loads?page={number + 1}" : null,
            number > 1 ? $"/v4/{clientId}/loads?page={number - 1}" : null);
        return TypedResults.Ok(new LoadsPage(data, number, all.Count, links));
    }

    private static async Task<Results<Ok<QueryResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> QueryAsync(
        HttpRequest request, ClaimsPrincipal user, IDestinationProvider destinations, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return ApiError.BadRequest(error!);
        }

        if (body.RejectUnknownFields("sql", "max_rows") is { } unknown)
        {
            return ApiError.BadRequest(unknown);
        }

        if (!body.TryGetString("sql", out var sql, out error)
            || !body.TryGetInt64("max_rows", out var maxRows, out error))
        {
            return ApiError.BadRequest(error!);
        }

        if (string.IsNullOrWhiteSpace(sql))
        {
            return ApiError.BadRequest("Field 'sql' is required: one read-only SQL statement, e.g. SELECT count(*) FROM shop_events.data.");
        }

        if (maxRows is < 1 or > MaxQueryRows)
        {
            return ApiError.BadRequest($"Field 'max_rows' must be from 1 to {MaxQueryRows}.");
        }

        try
        {
            var destination = await destinations.GetAsync(user.ClientId(), cancellationToken);
            if (destination is not IQueryableDestination queryable)
            {
                return ApiError.BadRequest("This destination does not answer queries.");
            }

            var result = await queryable.QueryAsync(sql, (int)(maxRows ?? MaxQueryRows), cancellationToken);
            if (!result.Succeeded)
            {
                return ApiError.BadRequest(result.Error!);
            }

            return TypedResults.Ok(new QueryResponse(
                result.Columns.Select(c => new QueryColumnResponse(c.Name, c.Type)).ToArray(), result.Rows, result.Truncated));
        }
        catch (DestinationException ex)
        {
            return TypedResults.Json(new ApiError(new ApiErrorDetail("destination_unavailable", ex.Message)), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    internal sealed record QueryResponse(QueryColumnResponse[] Columns, IReadOnlyList<object?[]> Rows, bool Truncated);

    internal sealed record QueryColumnResponse(string Name, string Type);

    internal sealed record LoadsPage(StreamLoad[] Data, int Page, int Total, PageLinks Links);

    internal sealed record PageLinks(string? Next, string? Previous);

    internal sealed record StreamLoad(long StitchClientId, string SourceName, string StreamName, DateTime? LastBatchLoadedAt, ErrorState? ErrorState);

    internal sealed record ErrorState(string NotificationLevel, string Message);
}
