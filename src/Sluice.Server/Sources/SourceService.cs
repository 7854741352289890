using Microsoft.EntityFrameworkCore;
using Sluice.Core.Integrations;
using Sluice.Core.Sources;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>
/// Sources of an account and their webhook tokens. Every method is scoped to one account: another account's ids
/// answer not found, exactly like unknown ids.
/// </summary>
public sealed class SourceService(IDbContextFactory<ControlDbContext> contexts, WebhookTokenResolver resolver, SigningSecrets secrets, TimeProvider time) : IDisposable
{
    public const int MaxLiveWebhookTokens = 2;
    public const int MaxDisplayNameLength = 200;

    // Check-then-insert (unique schema name, at most 2 live URLs) runs one at a time in this process; the unique
    // index backs the schema rule across processes.
    private readonly SemaphoreSlim writeLock = new(1, 1);

    public async Task<ControlPlaneResult<CreatedSource>> CreateAsync(long clientId, NewSource request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IntegrationCatalog.Find(request.Type) is not { } integration)
        {
            return ControlPlaneError.BadRequest(
                $"Unknown source type '{request.Type}'; GET /v4/source-types lists the {SourceTypes.Supported.Count} types (e.g. webhook.incoming-webhook, webhook.github, webhook.stripe).");
        }

        // A branded integration's documented or sensible layout, unless the request says otherwise.
        var defaults = integration.Layout;
        if (defaults.PrimaryKeyReadOnly && request.PrimaryKey is not null && request.PrimaryKey != defaults.PrimaryKey)
        {
            return ControlPlaneError.BadRequest(
                $"webhookz_primary_key of {integration.SourceType} is system-provided and read-only ('{defaults.PrimaryKey}'); leave it out.");
        }

        request = request with
        {
            PrimaryKey = request.PrimaryKey ?? defaults.PrimaryKey,
            TableFrom = request.TableFrom ?? defaults.TableFrom,
            CaptureHeaders = request.CaptureHeaders ?? (defaults.CaptureHeaders.Count > 0 ? defaults.CaptureHeaders : null),
        };
        if (request.SigningSecret is not null && SigningSecrets.Validate(integration, request.SigningSecret) is { } secretError)
        {
            return ControlPlaneError.BadRequest(secretError);
        }

        if (ValidateDisplayName(request.DisplayName) is { } displayNameError)
        {
            return ControlPlaneError.BadRequest(displayNameError);
        }

        var displayName = request.DisplayName.Trim();
        string name;
        if (request.Name is not null)
        {
            name = request.Name;
            if (SchemaName.Validate(name) is { } nameError)
            {
                return ControlPlaneError.BadRequest($"Invalid name (schema name): {nameError}");
            }
        }
        else
        {
            name = SchemaName.FromDisplayName(displayName);
            if (SchemaName.Validate(name) is { } derivedError)
            {
                return ControlPlaneError.BadRequest(
                    $"The schema name derived from display_name '{displayName}' is invalid: {derivedError} Give a valid schema name in \"name\".");
            }
        }

        if (request.PrimaryKey is not null && PrimaryKeyRule.Validate(request.PrimaryKey) is { } keyError)
        {
            return ControlPlaneError.BadRequest(keyError);
        }

        if (SourceLayout.Validate(request.TableFrom, request.CaptureHeaders, request.MaxDepth, out var layout) is { } layoutError)
        {
            return ControlPlaneError.BadRequest(layoutError);
        }

        if (StoredLayout.PrimaryKeyError(request.PrimaryKey, layout!) is { } headerKeyError)
        {
            return ControlPlaneError.BadRequest(headerKeyError);
        }

        await writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.Sources.AnyAsync(s => s.AccountId == clientId && s.Name == name && s.DeletedAt == null, cancellationToken))
            {
                return DuplicateName(name);
            }

            var now = ControlClock.Now(time);
            var source = new Source
            {
                AccountId = clientId,
                DisplayName = displayName,
                Name = name,
                Type = request.Type,
                PrimaryKey = request.PrimaryKey,
                CreatedAt = now,
                UpdatedAt = now,
            };
            StoredLayout.Store(source, layout!);
            if (request.SigningSecret is not null)
            {
                secrets.Set(source, request.SigningSecret.Trim(), now);
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Sources.Add(source);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another process took the name between the check and the insert.
                return DuplicateName(name);
            }

            var token = NewToken(source.Id, now);
            db.WebhookTokens.Add(token.Row);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CreatedSource(source, token);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Sources not deleted, oldest first.</summary>
    public async Task<IReadOnlyList<Source>> ListAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Sources.AsNoTracking()
            .Where(s => s.AccountId == clientId && s.DeletedAt == null)
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>A source of the account, deleted ones included (they show <c>deleted_at</c>).</summary>
    public async Task<ControlPlaneResult<Source>> GetAsync(long clientId, long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId && s.AccountId == clientId, cancellationToken);
        return source is null ? SourceNotFound(sourceId) : source;
    }

    public async Task<ControlPlaneResult<Source>> UpdateAsync(long clientId, long sourceId, SourceUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await FindLiveAsync(db, clientId, sourceId, cancellationToken);
        if (source is null)
        {
            return SourceNotFound(sourceId);
        }

        if (update.Name is not null && update.Name != source.Name)
        {
            return ControlPlaneError.BadRequest(
                $"The schema name (name) of a source is immutable: source {sourceId} keeps '{source.Name}'. Create a new source to load into another schema.");
        }

        if (update.Type is not null && update.Type != source.Type)
        {
            return ControlPlaneError.BadRequest($"The type of a source is immutable: source {sourceId} is '{source.Type}'.");
        }

        if (update.HasPrimaryKey && update.PrimaryKey != source.PrimaryKey)
        {
            var current = source.PrimaryKey is null ? "no primary key" : $"'{source.PrimaryKey}'";
            return ControlPlaneError.BadRequest(
                $"webhookz_primary_key is immutable: source {sourceId} keeps {current}. Create a new source to use another primary key.");
        }

        if (update.DisplayName is not null)
        {
            if (ValidateDisplayName(update.DisplayName) is { } displayNameError)
            {
                return ControlPlaneError.BadRequest(displayNameError);
            }

            source.DisplayName = update.DisplayName.Trim();
        }

        if (update.HasTableFrom || update.HasCaptureHeaders || update.HasMaxDepth)
        {
            var current = StoredLayout.Of(source);
            var tableFrom = update.HasTableFrom ? update.TableFrom : current.TableFrom?.ToString();
            var headers = update.HasCaptureHeaders ? update.CaptureHeaders : current.CaptureHeaders;
            var depth = update.HasMaxDepth ? update.MaxDepth : current.MaxDepth;
            if (SourceLayout.Validate(tableFrom, headers, depth, out var layout) is { } layoutError)
            {
                return ControlPlaneError.BadRequest(layoutError);
            }

            if (StoredLayout.PrimaryKeyError(source.PrimaryKey, layout!) is { } headerKeyError)
            {
                return ControlPlaneError.BadRequest(headerKeyError);
            }

            // Applies to the records loaded from now on; a reload applies it to what the archive holds.
            StoredLayout.Store(source, layout!);
        }

        var now = ControlClock.Now(time);
        if (update.HasSigningSecret)
        {
            if (update.SigningSecret is null)
            {
                SigningSecrets.Clear(source);
            }
            else if (SigningSecrets.Validate(IntegrationCatalog.Find(source.Type) ?? IntegrationCatalog.Generic, update.SigningSecret) is { } secretError)
            {
                return ControlPlaneError.BadRequest(secretError);
            }
            else
            {
                secrets.Set(source, update.SigningSecret.Trim(), now);
            }
        }

        if (update.Paused is { } paused && paused != source.PausedAt.HasValue)
        {
            source.PausedAt = paused ? now : null;
        }

        source.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        resolver.InvalidateSource(source.Id);
        return source;
    }

    /// <summary>
    /// Asks for a reload: the loader rebuilds the source's tables from its raw archive (and what is pending) within a few
    /// seconds. A paused source may be reloaded; a deleted one is not found. Asking again while one waits keeps one request.
    /// </summary>
    public async Task<ControlPlaneResult<Source>> RequestReloadAsync(long clientId, long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await FindLiveAsync(db, clientId, sourceId, cancellationToken);
        if (source is null)
        {
            return SourceNotFound(sourceId);
        }

        var now = ControlClock.Now(time);
        source.ReloadRequestedAt ??= now;
        source.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return source;
    }

    /// <summary>The account's source <paramref name="sourceId"/> unless deleted, tracked; null for another account's or an unknown id.</summary>
    private static Task<Source?> FindLiveAsync(ControlDbContext db, long clientId, long sourceId, CancellationToken cancellationToken) =>
        db.Sources.FirstOrDefaultAsync(s => s.Id == sourceId && s.AccountId == clientId && s.DeletedAt == null, cancellationToken);

    /// <summary>Stops accepting data at once. Tokens stay (their URLs answer 401 "not active"); warehouse data stays.</summary>
    public async Task<ControlPlaneResult<Source>> DeleteAsync(long clientId, long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await FindLiveAsync(db, clientId, sourceId, cancellationToken);
        if (source is null)
        {
            return SourceNotFound(sourceId);
        }

        var now = ControlClock.Now(time);
        source.DeletedAt = now;
        source.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        resolver.InvalidateSource(source.Id);
        return source;
    }

    /// <summary>A new webhook URL for the source; refused while it already has <see cref="MaxLiveWebhookTokens"/>.</summary>
    public async Task<ControlPlaneResult<CreatedWebhookToken>> CreateTokenAsync(long clientId, long sourceId, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await LiveSourceExistsAsync(db, clientId, sourceId, cancellationToken))
            {
                return SourceNotFound(sourceId);
            }

            var live = await db.WebhookTokens.CountAsync(t => t.SourceId == sourceId && t.RevokedAt == null, cancellationToken);
            if (live >= MaxLiveWebhookTokens)
            {
                return ControlPlaneError.BadRequest(
                    $"A source can have at most {MaxLiveWebhookTokens} webhook URLs; revoke one before generating another.");
            }

            var token = NewToken(sourceId, ControlClock.Now(time));
            db.WebhookTokens.Add(token.Row);
            await db.SaveChangesAsync(cancellationToken);
            return token;
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Live webhook tokens of the source, oldest first (so the oldest is easy to revoke).</summary>
    public async Task<ControlPlaneResult<IReadOnlyList<WebhookToken>>> ListTokensAsync(long clientId, long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await LiveSourceExistsAsync(db, clientId, sourceId, cancellationToken))
        {
            return SourceNotFound(sourceId);
        }

        var tokens = await db.WebhookTokens.AsNoTracking()
            .Where(t => t.SourceId == sourceId && t.RevokedAt == null)
            .OrderBy(t => t.Id)
            .ToListAsync(cancellationToken);
        return new ControlPlaneResult<IReadOnlyList<WebhookToken>>(tokens, null);
    }

    /// <summary>Revokes a live token; ingest refuses it from this moment on.</summary>
    public async Task<ControlPlaneResult<WebhookToken>> RevokeTokenAsync(long clientId, long sourceId, long tokenId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await LiveSourceExistsAsync(db, clientId, sourceId, cancellationToken))
        {
            return SourceNotFound(sourceId);
        }

        var token = await db.WebhookTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.SourceId == sourceId && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return ControlPlaneError.NotFound($"Webhook URL {tokenId} was not found among the live URLs of source {sourceId}.");
        }

        token.RevokedAt = ControlClock.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        resolver.InvalidateToken(token.TokenHash);
        return token;
    }

    public void Dispose() => writeLock.Dispose();

    private static string? ValidateDisplayName(string? displayName)
    {
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return "display_name is required: a non-empty name such as \"Shop Events\" (it also gives the default schema name).";
        }

        return displayName.Trim().Length > MaxDisplayNameLength
            ? $"display_name is {displayName.Trim().Length} characters long; at most {MaxDisplayNameLength} are allowed."
            : null;
    }

    private static Task<bool> LiveSourceExistsAsync(ControlDbContext db, long clientId, long sourceId, CancellationToken cancellationToken) =>
        db.Sources.AnyAsync(s => s.Id == sourceId && s.AccountId == clientId && s.DeletedAt == null, cancellationToken);

    private static CreatedWebhookToken NewToken(long sourceId, DateTime now)
    {
        var token = SecretTokens.NewWebhookToken();
        var row = new WebhookToken
        {
            SourceId = sourceId,
            TokenHash = SecretTokens.Hash(token),
            Hint = SecretTokens.Hint(token),
            CreatedAt = now,
        };
        return new CreatedWebhookToken(row, token);
    }

    private static ControlPlaneError DuplicateName(string name) => ControlPlaneError.BadRequest(
        $"Schema name '{name}' is already used by another source of this account; choose another with \"name\".");

    private static ControlPlaneError SourceNotFound(long sourceId) => ControlPlaneError.NotFound($"Source {sourceId} was not found.");
}
