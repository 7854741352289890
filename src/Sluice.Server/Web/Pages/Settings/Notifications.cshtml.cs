using Microsoft.AspNetCore.Mvc;
using Sluice.Server.Accounts;
using Sluice.Server.Deliveries;
using Sluice.Server.Hooks;
using Sluice.Server.Notifications;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages.Settings;

/// <summary>Post-load hooks (add, disable, re-enable, delete; at most 10) and custom email recipients, as BEHAVIOUR.md §6.1 and §9 describe them.</summary>
public sealed class NotificationSettingsModel(HookService hooks, RecipientService recipients, AccountService accounts) : WebPage
{
    [FromQuery]
    public string? Confirm { get; set; }

    [BindProperty]
    public string? HookUrl { get; set; }

    [BindProperty]
    public string? RecipientEmail { get; set; }

    public int MaxHooks => HooksOptions.MaxHooksPerAccount;

    public int MaxRecipients => RecipientService.MaxRecipients;

    public IReadOnlyList<Hook> Hooks { get; private set; } = [];

    public IReadOnlyList<CustomEmail> Recipients { get; private set; } = [];

    public string? HookUrlError { get; private set; }

    public string? RecipientError { get; private set; }

    /// <summary>
    /// The signing secret of the hook just added, carried once across the redirect (TempData, read and removed on the next
    /// page): a reload neither posts again nor shows it again.
    /// </summary>
    [TempData]
    public string? NewSecret { get; set; }

    public Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (NewSecret is not null)
        {
            // The one page that shows the secret is not kept by the browser or a proxy.
            Response.Headers.CacheControl = "no-store";
        }

        return LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAddHookAsync(CancellationToken cancellationToken)
    {
        var url = (HookUrl ?? string.Empty).Trim();
        var destination = (await accounts.ListDestinationsAsync(ClientId, cancellationToken)).FirstOrDefault();
        var (hook, secret, refusal) = destination is null
            ? (null, null, HookRefusal.InvalidBody)
            : await hooks.CreateAsync(ClientId, destination.Id, url, cancellationToken);
        HookUrlError = refusal switch
        {
            HookRefusal.None => null,
            HookRefusal.InvalidUri => "Invalid URI: enter a properly formatted HTTPS URL, such as https://your-webhook-provider.com/webhooks.",
            HookRefusal.LimitReached => $"This account has {MaxHooks} post-load hooks, the most it can have; delete one before adding another.",
            _ => "A destination must exist before a hook can be added.",
        };
        if (HookUrlError is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(cancellationToken);
            return Page();
        }

        // Post/redirect/get: reloading the page that follows must not add the hook again.
        NewSecret = secret;
        return Done($"Added the webhook {hook!.Url}. It receives a payload after every load from now on.");
    }

    public Task<IActionResult> OnPostDisableHookAsync(long hookId, CancellationToken cancellationToken) => SetHookAsync(hookId, false, cancellationToken);

    public Task<IActionResult> OnPostEnableHookAsync(long hookId, CancellationToken cancellationToken) => SetHookAsync(hookId, true, cancellationToken);

    public async Task<IActionResult> OnPostDeleteHookAsync(long hookId, CancellationToken cancellationToken) =>
        await hooks.DeleteAsync(ClientId, hookId, cancellationToken) ? Done("Deleted the webhook.", new { Confirm = (string?)null }) : NotFound();

    public async Task<IActionResult> OnPostAddEmailAsync(CancellationToken cancellationToken)
    {
        var (recipient, error) = await recipients.AddAsync(ClientId, RecipientEmail ?? string.Empty, cancellationToken);
        if (recipient is null)
        {
            RecipientError = error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Done($"Added {recipient.EmailAddress}.");
    }

    public Task<IActionResult> OnPostDisableEmailAsync(long recipientId, CancellationToken cancellationToken) => SetRecipientAsync(recipientId, false, cancellationToken);

    public Task<IActionResult> OnPostEnableEmailAsync(long recipientId, CancellationToken cancellationToken) => SetRecipientAsync(recipientId, true, cancellationToken);

    public async Task<IActionResult> OnPostDeleteEmailAsync(long recipientId, CancellationToken cancellationToken)
    {
        var deleted = await recipients.DeleteAsync(ClientId, recipientId, cancellationToken);
        return deleted is null ? NotFound() : Done($"Deleted {deleted.EmailAddress}.", new { Confirm = (string?)null });
    }

    private async Task<IActionResult> SetHookAsync(long hookId, bool enable, CancellationToken cancellationToken)
    {
        var hook = await hooks.SetEnabledAsync(ClientId, hookId, enable, cancellationToken);
        return hook is null ? NotFound() : Done(enable ? $"Re-enabled {hook.Url}." : $"Disabled {hook.Url}: it gets no payloads until you re-enable it.");
    }

    private async Task<IActionResult> SetRecipientAsync(long recipientId, bool enable, CancellationToken cancellationToken)
    {
        var recipient = await recipients.SetEnabledAsync(ClientId, recipientId, enable, cancellationToken);
        return recipient is null ? NotFound() : Done(enable ? $"Enabled {recipient.EmailAddress}." : $"Disabled {recipient.EmailAddress}.");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Hooks = await hooks.ListAsync(ClientId, cancellationToken);
        Recipients = await recipients.ListAsync(ClientId, cancellationToken);
    }
}
