namespace Sluice.Server.Accounts;

/// <summary>What kind of refusal a control-plane operation gave; the API maps it to 400, 404 or 409.</summary>
public enum ControlPlaneErrorKind
{
    BadRequest,
    NotFound,
    Conflict,
}

/// <summary>A normal refusal (invalid input, unknown id, limit reached) with the message a user should read.</summary>
public sealed record ControlPlaneError(ControlPlaneErrorKind Kind, string Message)
{
    public static ControlPlaneError BadRequest(string message) => new(ControlPlaneErrorKind.BadRequest, message);

    public static ControlPlaneError NotFound(string message) => new(ControlPlaneErrorKind.NotFound, message);

    public static ControlPlaneError Conflict(string message) => new(ControlPlaneErrorKind.Conflict, message);
}
