using System.Net;
using System.Net.Sockets;

namespace Sluice.Cli.Tests.Cli;

internal static class Loopback
{
    /// <summary>A URL on a loopback port that was free a moment ago and has nothing listening now.</summary>
    public static string ClosedUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
