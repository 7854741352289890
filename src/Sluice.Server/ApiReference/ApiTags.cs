namespace Sluice.Server.ApiReference;

/// <summary>The groups of operations in the document and the UI, in the order a user meets them.</summary>
internal static class ApiTags
{
    public const string SourceTypes = "Source types";
    public const string Sources = "Sources";
    public const string WebhookUrls = "Webhook URLs";
    public const string Destinations = "Destinations";
    public const string Loads = "Loads and queries";
    public const string Notifications = "Notifications";
    public const string ApiTokens = "API tokens";
    public const string Hooks = "Post-load hooks";
    public const string CustomEmails = "Custom emails";
}
