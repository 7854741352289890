using System.Formats.Tar;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;

namespace Sluice.Server.Backup;

/// <summary>
/// <c>POST /v4/backup</c>: a consistent copy of the data directory's stores, taken while the server runs, answered as a tar
/// stream (<c>manifest.json</c> last; <c>X-Sluice-Backup-Bytes</c> is the size of the files in it). A backup holds every
/// account's data, so only the operator's account (1, whose token the first start writes to <c>admin-token</c>) may take one.
/// </summary>
internal static class BackupEndpoints
{
    public const string OperatorClientId = "1";

    public static RouteGroupBuilder MapBackupEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapPost("/backup", BackupAsync);
        return v4;
    }

    private static async Task<Results<PushStreamHttpResult, JsonHttpResult<ApiError>, Conflict<ApiError>>> BackupAsync(
        HttpContext http, ClaimsPrincipal user, BackupService backups, CancellationToken cancellationToken)
    {
        if (user.ClientId().ToString(CultureInfo.InvariantCulture) != OperatorClientId)
        {
            return TypedResults.Json(
                new ApiError(new ApiErrorDetail("forbidden", "A backup holds every account's data: only an API token of account 1 (the operator's, as in <data-dir>/admin-token) may take one.")),
                statusCode: StatusCodes.Status403Forbidden);
        }

        var snapshot = await backups.TryStageAsync(cancellationToken);
        if (snapshot is null)
        {
            return ApiError.Conflict("Another backup is being taken; try again when it has finished.");
        }

        http.Response.Headers[BackupManifest.BytesHeader] = snapshot.TotalBytes.ToString(CultureInfo.InvariantCulture);
        http.Response.RegisterForDispose(snapshot);
        return TypedResults.Stream(
            async body =>
            {
                var writer = new TarWriter(body, TarEntryFormat.Pax, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    foreach (var file in snapshot.Manifest.Files)
                    {
                        await writer.WriteEntryAsync(Path.Combine(snapshot.Directory, file.Path), file.Path, http.RequestAborted).ConfigureAwait(false);
                    }

                    await writer.WriteEntryAsync(Path.Combine(snapshot.Directory, BackupManifest.FileName), BackupManifest.FileName, http.RequestAborted).ConfigureAwait(false);
                }
            },
            "application/x-tar",
            fileDownloadName: "sluice-backup.tar");
    }
}
