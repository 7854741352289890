using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Testing;

/// <summary>
/// A real HTTPS hook receiver on 127.0.0.1 with its own self-signed certificate (CN/SAN localhost and 127.0.0.1), written to
/// <see cref="CertificatePath"/> as PEM so Sluice can trust it through <c>Hooks:TrustedCertificatePath</c>. Each path has its
/// own programmable answers (200 by default; 500, no answer, dropped connection) and its own record of requests.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<HookAnswer>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HookAnswer> _defaults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<ReceivedHook>> _received = new(StringComparer.Ordinal);
    private readonly string _directory;

    private HookReceiver(WebApplication app, string directory, string certificatePath, int port, bool keepBodies)
    {
        _app = app;
        _directory = directory;
        CertificatePath = certificatePath;
        Port = port;
        KeepBodies = keepBodies;
    }

    public int Port { get; }

    /// <summary>The receiver's certificate as PEM: give it to <c>Hooks:TrustedCertificatePath</c>.</summary>
    public string CertificatePath { get; }

    /// <summary>False keeps only headers and arrival times (benchmarks).</summary>
    public bool KeepBodies { get; }

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static async Task<HookReceiver> StartAsync(bool keepBodies = true)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-receiver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var (certificate, pem) = CreateCertificate();
        var certificatePath = Path.Combine(directory, "receiver-ca.pem");
        await File.WriteAllTextAsync(certificatePath, pem);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxConcurrentConnections = null;
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        HookReceiver? receiver = null;
        app.Run(context => receiver!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new HookReceiver(app, directory, certificatePath, new Uri(address).Port, keepBodies);
        return receiver;
    }

    /// <summary>The URL of one of the receiver's paths, e.g. <c>https://127.0.0.1:41234/orders</c>.</summary>
    public string Url(string path) => $"https://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>The next requests to <paramref name="path"/> get these answers in order, then the path's default.</summary>
    public void Answer(string path, params HookAnswer[] answers)
    {
        var queue = _answers.GetOrAdd(Normalize(path), _ => new ConcurrentQueue<HookAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>What <paramref name="path"/> answers once its queued answers are used up (initially 200).</summary>
    public void AnswerAlways(string path, HookAnswer answer) => _defaults[Normalize(path)] = answer;

    /// <summary>How many requests <paramref name="path"/> got, without copying them.</summary>
    public int Count(string path)
    {
        if (!_received.TryGetValue(Normalize(path), out var list))
        {
            return 0;
        }

        lock (list)
        {
            return list.Count;
        }
    }

    public IReadOnlyList<ReceivedHook> Requests(string path)
    {
        if (!_received.TryGetValue(Normalize(path), out var list))
        {
            return [];
        }

        lock (list)
        {
            return list.ToList();
        }
    }

    /// <summary>Waits (for the sender, not for a clock) until <paramref name="path"/> got <paramref name="count"/> requests.</summary>
    public async Task<IReadOnlyList<ReceivedHook>> WaitForRequestsAsync(string path, int count, TimeSpan? timeout = null)
    {
        return await Eventually.ValueAsync(
            () => Task.FromResult(Requests(path)),
            requests => requests.Count >= count,
            $"{Url(path)} got {count} request(s)",
            timeout ?? TimeSpan.FromSeconds(20),
            requests => $"{requests.Count} request(s)",
            every: TimeSpan.FromMilliseconds(20));
    }

    private static string Normalize(string path) => "/" + path.TrimStart('/');

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var receivedAt = DateTime.UtcNow;
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var list = _received.GetOrAdd(path, _ => []);
        lock (list)
        {
            list.Add(new ReceivedHook(path, headers, KeepBodies ? body : string.Empty, receivedAt));
        }

        var answer = _answers.TryGetValue(path, out var queue) && queue.TryDequeue(out var next)
            ? next
            : _defaults.GetValueOrDefault(path, HookAnswer.Ok);
        if (answer.Close)
        {
            context.Abort();
            return;
        }

        if (answer.Hang)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, both.Token);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
            }

            return;
        }

        context.Response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }

        if (answer.Status >= 300)
        {
            await context.Response.WriteAsync($"receiver says {answer.Status}");
        }
    }

    private static (X509Certificate2 Certificate, string Pem) CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // Through PKCS#12 so the private key is usable by the TLS stack, not only by this process's ephemeral handle.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        return (certificate, created.ExportCertificatePem());
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        SluiceServer.TryDelete(_directory);
    }
}
