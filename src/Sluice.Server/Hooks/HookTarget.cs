namespace Sluice.Server.Hooks;

/// <summary>What the dispatcher needs of a hook to send to it: its URL, signing secret (clear) and whether it is enabled.</summary>
public sealed record HookTarget(long Id, long AccountId, string Url, string Secret, bool Enabled);
