using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Sluice.Testing;

/// <summary>
/// Real <c>nats-server</c> processes with JetStream on loopback, each with its own store directory in a temp folder: one
/// server, or a cluster of three (routes between all). Every server takes messages of up to 24 MB (<c>max_payload</c>),
/// as the README tells a deployment to. A server can be killed (SIGKILL) and started again on the same store. A missing
/// <c>nats-server</c> FAILS the tests (never skip): install Debian's package <c>nats-server</c>.
/// </summary>
public sealed class NatsCluster : IAsyncLifetime
{
    public const string Binary = "/usr/sbin/nats-server";

    private readonly int _size;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-nats-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Node[] _nodes;

    /// <summary>One server (as an xunit fixture); <see cref="StartAsync(int)"/> starts a cluster.</summary>
    public NatsCluster()
        : this(1)
    {
    }

    private NatsCluster(int size)
    {
        _size = size;
        _nodes = Enumerable.Range(0, size).Select(i => new Node(i, FreePort(), FreePort(), FreePort())).ToArray();
    }

    private sealed class Node(int index, int port, int clusterPort, int monitorPort)
    {
        public int Index { get; } = index;

        public int Port { get; } = port;

        public int ClusterPort { get; } = clusterPort;

        public int MonitorPort { get; } = monitorPort;

        public Process? Process { get; set; }
    }

    /// <summary>How many servers there are.</summary>
    public int Size => _size;

    /// <summary>The replicas a stream can have here: 3 on a cluster of three, else 1.</summary>
    public int Replicas => Math.Min(_size, 3);

    /// <summary>Every server's client URL, comma-separated (as <c>Buffer:Nats:Url</c> takes them).</summary>
    public string Url => string.Join(',', _nodes.Select(n => $"nats://127.0.0.1:{n.Port}"));

    public static async Task<NatsCluster> StartAsync(int size = 1)
    {
        var cluster = new NatsCluster(size);
        await cluster.InitializeAsync();
        return cluster;
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"nats-server is missing ({Binary}); install Debian's package nats-server (scripts/test.sh does).");
        }

        Directory.CreateDirectory(_directory);
        foreach (var node in _nodes)
        {
            await File.WriteAllTextAsync(ConfigPath(node), Config(node));
            Start(node);
        }

        foreach (var node in _nodes)
        {
            await WaitHealthyAsync(node);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
    }

    /// <summary>Kills server <paramref name="index"/> with SIGKILL (no shutdown of any kind).</summary>
    public void Kill(int index)
    {
        var process = _nodes[index].Process;
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Starts server <paramref name="index"/> again on its store and waits until it is healthy.</summary>
    public async Task RestartAsync(int index)
    {
        Kill(index);
        Start(_nodes[index]);
        await WaitHealthyAsync(_nodes[index]);
    }

    /// <summary>Stops every server (SIGKILL); <see cref="StartAllAsync"/> brings them back on their stores.</summary>
    public void KillAll()
    {
        for (var i = 0; i < _size; i++)
        {
            Kill(i);
        }
    }

    public async Task StartAllAsync()
    {
        foreach (var node in _nodes)
        {
            if (node.Process is null or { HasExited: true })
            {
                Start(node);
            }
        }

        foreach (var node in _nodes)
        {
            await WaitHealthyAsync(node);
        }
    }

    /// <summary>
    /// The index of the server leading stream <paramref name="stream"/> (from a live server's <c>/jsz</c>), or null when
    /// no server names a leader yet.
    /// </summary>
    public async Task<int?> StreamLeaderAsync(string stream)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var node in _nodes.Where(n => n.Process is { HasExited: false }))
        {
            try
            {
                var jsz = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{node.MonitorPort}/jsz?streams=true"))).RootElement;
                foreach (var account in jsz.TryGetProperty("account_details", out var accounts) ? accounts.EnumerateArray() : default)
                {
                    foreach (var detail in account.TryGetProperty("stream_detail", out var streams) ? streams.EnumerateArray() : default)
                    {
                        if (detail.GetProperty("name").GetString() == stream
                            && detail.TryGetProperty("cluster", out var cluster) && cluster.TryGetProperty("leader", out var leader)
                            && leader.GetString() is { Length: > 1 } name && name.StartsWith('n'))
                        {
                            return int.Parse(name[1..], CultureInfo.InvariantCulture);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
        }

        return null;
    }

    /// <summary>The log of server <paramref name="index"/> (for a failing test's message).</summary>
    public string Log(int index) => File.Exists(LogPath(_nodes[index])) ? File.ReadAllText(LogPath(_nodes[index])) : string.Empty;

    public Task DisposeAsync()
    {
        StopAll();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private void StopAll()
    {
        for (var i = 0; i < _size; i++)
        {
            Kill(i);
        }
    }

    private string ConfigPath(Node node) => Path.Combine(_directory, $"n{node.Index}.conf");

    private string LogPath(Node node) => Path.Combine(_directory, $"n{node.Index}.log");

    private string Config(Node node)
    {
        var store = Path.Combine(_directory, $"n{node.Index}");
        var config = string.Create(CultureInfo.InvariantCulture, $$"""
            server_name: n{{node.Index}}
            listen: 127.0.0.1:{{node.Port}}
            http: 127.0.0.1:{{node.MonitorPort}}
            max_payload: 24MB
            jetstream {
              store_dir: "{{store}}"
              max_memory_store: 256MB
              max_file_store: 4GB
            }

            """);
        if (_size > 1)
        {
            var routes = string.Join(", ", _nodes.Where(n => n != node).Select(n => $"nats-route://127.0.0.1:{n.ClusterPort}"));
            config += string.Create(CultureInfo.InvariantCulture, $$"""
                cluster {
                  name: sluice
                  listen: 127.0.0.1:{{node.ClusterPort}}
                  routes: [{{routes}}]
                }

                """);
        }

        return config;
    }

    private void Start(Node node)
    {
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-c", ConfigPath(node), "-l", LogPath(node) },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nats-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Process = process;
    }

    /// <summary>Waits until the server's JetStream is healthy (in a cluster: a meta leader elected) via <c>/healthz</c>.</summary>
    private async Task WaitHealthyAsync(Node node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (node.Process is { HasExited: true })
            {
                throw new InvalidOperationException($"nats-server n{node.Index} exited: {Log(node.Index)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{node.MonitorPort}/healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"nats-server n{node.Index} was not healthy within 60 s: {Log(node.Index)}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
