namespace Sluice.Testing;

/// <summary>How a <see cref="HookReceiver"/> answers one request.</summary>
public sealed record HookAnswer(int Status, bool Hang = false, bool Close = false)
{
    /// <summary>The <c>Location</c> header of the answer (a redirect), or null.</summary>
    public string? Location { get; init; }

    public static HookAnswer Ok { get; } = new(200);

    public static HookAnswer ServerError { get; } = new(500);

    /// <summary>Never answers: the request waits until the sender gives up (or the receiver stops).</summary>
    public static HookAnswer NoAnswer { get; } = new(0, Hang: true);

    /// <summary>Drops the connection without a response.</summary>
    public static HookAnswer Drop { get; } = new(0, Close: true);

    public static HookAnswer WithStatus(int status) => new(status);

    /// <summary>A redirect (301, 302, 307, 308 ...) to <paramref name="location"/>.</summary>
    public static HookAnswer Redirect(int status, string location) => new(status) { Location = location };
}

/// <summary>One request a <see cref="HookReceiver"/> got, with the wall-clock time it arrived.</summary>
public sealed record ReceivedHook(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTime ReceivedAt)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No header '{name}' in {string.Join(", ", Headers.Keys)}");
}
