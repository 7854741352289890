using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;

namespace Sluice.Server.Sources;

/// <summary><c>/v4/sources</c>: create, list, read, update (display name, pause, layout), delete, reload.</summary>
internal static class SourceEndpoints
{
    internal static readonly string[] CreateFields = ["display_name", "type", "name", "properties", "destination_id"];
    internal static readonly string[] UpdateFields = ["display_name", "paused", "name", "type", "properties"];

    public static RouteGroupBuilder MapSourceEndpoints(this RouteGroupBuilder v4)
    {
        var sources = v4.MapGroup("/sources").WithTags(ApiTags.Sources);
        sources.MapPost("/", CreateAsync).Accepts<SourceCreateBody>("application/json")
            .WithSummary("Create a source")
            .WithDescription("The answer has `webhook_url` and `webhook_token_id`, shown only this once. Bad values answer 400 saying what is allowed.");
        sources.MapGet("/", ListAsync).WithSummary("List sources").WithDescription("The account's sources that are not deleted.");
        sources.MapGet("/{id:long}", GetAsync).WithSummary("Get a source");
        sources.MapPut("/{id:long}", UpdateAsync).Accepts<SourceUpdateBody>("application/json")
            .WithSummary("Update a source")
            .WithDescription("Rename, pause or resume, change the table layout (from the next load on) or the signing secret.");
        sources.MapDelete("/{id:long}", DeleteAsync).WithSummary("Delete a source")
            .WithDescription("Its URLs answer 401 from then on; tables already loaded stay.");
        sources.MapPost("/{id:long}/reload", ReloadAsync).WithSummary("Rebuild a source's tables")
            .WithDescription("202: the loader rebuilds the tables from the raw archive (`Buffer:Retention`) within seconds, with `_sdc_table_version` + 1; `GET /v4/sources/{id}/stats` shows `last_reload_*` when it is done.");
        return v4;
    }

    private static async Task<Results<Ok<CreatedSourceResponse>, BadRequest<ApiError>>> CreateAsync(
        HttpContext http, ClaimsPrincipal user, SourceService sources, AccountService accounts, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return ApiError.BadRequest(error!);
        }

        if (body.RejectUnknownFields(CreateFields) is { } unknown)
        {
            return ApiError.BadRequest(unknown);
        }

        if (!body.TryGetString("display_name", out var displayName, out error)
            || !body.TryGetString("type", out var type, out error)
            || !body.TryGetString("name", out var name, out error)
            || !body.TryGetObject("properties", out var properties, out error)
            || !body.TryGetInt64("destination_id", out var destinationId, out error))
        {
            return ApiError.BadRequest(error!);
        }

        if (type is null)
        {
            return ApiError.BadRequest("type is required, e.g. webhook.incoming-webhook; GET /v4/source-types lists every type.");
        }

        if (!SourceProperties.TryRead(properties, out var props, out error))
        {
            return ApiError.BadRequest(error!);
        }

        var clientId = user.ClientId();
        if (destinationId is { } id && !(await accounts.GetDestinationAsync(clientId, id, cancellationToken)).Succeeded)
        {
            return ApiError.BadRequest($"destination_id {id} is not a destination of this account; see GET /v4/destinations.");
        }

        var request = new NewSource(displayName ?? string.Empty, type, name, props.PrimaryKey)
        {
            TableFrom = props.TableFromValue,
            CaptureHeaders = props.CaptureHeadersValue,
            MaxDepth = props.MaxDepthValue,
            SigningSecret = props.SigningSecret,
        };
        var result = await sources.CreateAsync(clientId, request, cancellationToken);
        if (!result.Succeeded)
        {
            return ApiError.BadRequest(result.Error);
        }

        var url = WebhookUrls.For(http.RequestServices, clientId, result.Value.FirstToken.Token);
        return TypedResults.Ok(CreatedSourceResponse.From(result.Value, url));
    }

    private static async Task<Ok<SourceResponse[]>> ListAsync(ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var list = await sources.ListAsync(user.ClientId(), cancellationToken);
        return TypedResults.Ok(list.Select(SourceResponse.From).ToArray());
    }

    private static async Task<Results<Ok<SourceResponse>, NotFound<ApiError>>> GetAsync(
        long id, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var result = await sources.GetAsync(user.ClientId(), id, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(SourceResponse.From(result.Value)) : ApiError.NotFound(result.Error);
    }

    private static async Task<Results<Ok<SourceResponse>, BadRequest<ApiError>, NotFound<ApiError>>> UpdateAsync(
        long id, HttpContext http, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return ApiError.BadRequest(error!);
        }

        if (body.RejectUnknownFields(UpdateFields) is { } unknown)
        {
            return ApiError.BadRequest(unknown);
        }

        if (!body.TryGetString("display_name", out var displayName, out error)
            || !body.TryGetBoolean("paused", out var paused, out error)
            || !body.TryGetString("name", out var name, out error)
            || !body.TryGetString("type", out var type, out error)
            || !body.TryGetObject("properties", out var properties, out error)
            || !SourceProperties.TryRead(properties, out var props, out error))
        {
            return ApiError.BadRequest(error!);
        }

        if (body.Root.TryGetProperty("display_name", out var displayNameElement) && displayNameElement.ValueKind == JsonValueKind.Null)
        {
            return ApiError.BadRequest("display_name cannot be null; leave it out to keep the current display name.");
        }

        var update = new SourceUpdate
        {
            DisplayName = displayName,
            Paused = paused,
            Name = name,
            Type = type,
            HasPrimaryKey = props.HasPrimaryKey,
            PrimaryKey = props.PrimaryKey,
            HasTableFrom = props.HasTableFrom,
            TableFrom = props.TableFromValue,
            HasCaptureHeaders = props.HasCaptureHeaders,
            CaptureHeaders = props.CaptureHeadersValue,
            HasMaxDepth = props.HasMaxDepth,
            MaxDepth = props.MaxDepthValue,
            HasSigningSecret = props.HasSigningSecret,
            SigningSecret = props.SigningSecret,
        };
        var result = await sources.UpdateAsync(user.ClientId(), id, update, cancellationToken);
        if (result.Succeeded)
        {
            return TypedResults.Ok(SourceResponse.From(result.Value));
        }

        return result.Error.Kind == ControlPlaneErrorKind.NotFound ? ApiError.NotFound(result.Error) : ApiError.BadRequest(result.Error);
    }

    private static async Task<Results<Ok<SourceResponse>, NotFound<ApiError>>> DeleteAsync(
        long id, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var result = await sources.DeleteAsync(user.ClientId(), id, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(SourceResponse.From(result.Value)) : ApiError.NotFound(result.Error);
    }

    /// <summary>
    /// Asks for the source's tables to be rebuilt from its raw archive: 202 with the source (<c>reload_requested_at</c> set);
    /// the stats show <c>last_reload_*</c> when it is done.
    /// </summary>
    private static async Task<Results<Accepted<SourceResponse>, NotFound<ApiError>>> ReloadAsync(
        long id, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var result = await sources.RequestReloadAsync(user.ClientId(), id, cancellationToken);
        return result.Succeeded
            ? TypedResults.Accepted($"/v4/sources/{id}/stats", SourceResponse.From(result.Value))
            : ApiError.NotFound(result.Error);
    }
}
