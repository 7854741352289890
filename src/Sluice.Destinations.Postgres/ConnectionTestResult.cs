using Sluice.Core.Loading;

namespace Sluice.Destinations.Postgres;

/// <summary>The outcome of <see cref="PostgresDestination.TestConnectionAsync"/>: a message to show either way, and the cause when it failed.</summary>
public sealed record ConnectionTestResult(bool Succeeded, string Message, DestinationErrorKind? Error);
