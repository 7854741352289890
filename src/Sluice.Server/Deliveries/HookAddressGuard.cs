using System.Net.Sockets;
using System.Net;
using Sluice.Server.Hooks;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Outbound safety for hook requests (SSRF): the handler's connect step resolves the host and refuses loopback, private,
/// link-local, CGNAT, metadata and other non-public addresses unless <see cref="HooksOptions.AllowPrivateNetworks"/>. It
/// runs in <see cref="SocketsHttpHandler.ConnectCallback"/>, so the check applies to the address actually connected to
/// (no gap between a check and a second DNS lookup).
/// </summary>
public sealed class HookAddressGuard(bool allowPrivateNetworks)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!allowPrivateNetworks)
        {
            var refused = addresses.Select(a => (Address: a, Kind: ForbiddenKind(a))).Where(a => a.Kind is not null).ToList();
            addresses = addresses.Where(a => ForbiddenKind(a) is null).ToArray();
            if (addresses.Length == 0 && refused.Count > 0)
            {
                throw new HookAddressRefusedException(
                    $"Refused to connect to {host}: it resolves to {refused[0].Address}, {Article(refused[0].Kind!)} {refused[0].Kind} address. Hooks may only reach public addresses unless Hooks:AllowPrivateNetworks is true.")
                {
                    Permanent = true,
                };
            }
        }

        if (addresses.Length == 0)
        {
            throw new HookAddressRefusedException($"{host} resolves to no address.");
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static string Article(string kind) => "aeiouAEIOU".Contains(kind[0], StringComparison.Ordinal) ? "an" : "a";

    /// <summary>What kind of non-public address <paramref name="address"/> is (for the error), or null when it is public.</summary>
    public static string? ForbiddenKind(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [169, 254, 169, 254] => "cloud metadata",
                [0, ..] => "unspecified",
                [10, ..] => "private",
                [172, >= 16 and <= 31, ..] => "private",
                [192, 168, ..] => "private",
                [169, 254, ..] => "link-local",
                [100, >= 64 and <= 127, ..] => "carrier-grade NAT (shared)",
                [192, 0, 0, _] => "IETF protocol assignment",
                [198, 18 or 19, ..] => "benchmarking",
                [>= 224, ..] => "multicast or reserved",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6Any))
            {
                return "unspecified";
            }

            if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2)
            {
                return "cloud metadata";
            }

            if ((b[0] & 0xfe) == 0xfc)
            {
                return "private (unique local)";
            }

            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
            {
                return "link-local";
            }

            if (address.IsIPv6Multicast)
            {
                return "multicast";
            }

            // NAT64 (64:ff9b::/96) and IPv4-compatible forms embed an IPv4 address: judge that one.
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
            {
                return ForbiddenKind(new IPAddress(b[12..]));
            }
        }

        return null;
    }
}
