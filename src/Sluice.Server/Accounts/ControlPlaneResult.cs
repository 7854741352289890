using System.Diagnostics.CodeAnalysis;

namespace Sluice.Server.Accounts;

/// <summary>Either a value or a <see cref="ControlPlaneError"/>: refusals are outcomes, not exceptions.</summary>
public readonly record struct ControlPlaneResult<T>(T? Value, ControlPlaneError? Error)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    public static implicit operator ControlPlaneResult<T>(T value) => new(value, null);

    public static implicit operator ControlPlaneResult<T>(ControlPlaneError error) => new(null, error);
}
