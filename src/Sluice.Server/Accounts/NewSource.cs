namespace Sluice.Server.Accounts;

/// <summary>What a user asks for when creating a source. <paramref name="Name"/> (schema) is derived from the display name when null.</summary>
public sealed record NewSource(string DisplayName, string Type, string? Name, string? PrimaryKey);
