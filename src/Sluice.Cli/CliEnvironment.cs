namespace Sluice.Cli;

/// <summary>What a command reads from and writes to outside itself, so tests can run commands in-process.</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetVariable)
{
    public static CliEnvironment System { get; } = new(Console.Out, Console.Error, Environment.GetEnvironmentVariable);

    /// <summary>True when <see cref="Out"/> is an interactive terminal (tables may use colours and its width).</summary>
    public bool IsTerminal => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;
}
