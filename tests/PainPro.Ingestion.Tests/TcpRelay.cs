using System.Net;
using System.Net.Sockets;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// A loopback TCP relay in front of a server, to take the server away from one client without touching it (the shared
/// PostgreSQL stays up for everyone else): <see cref="Cut"/> drops every relayed connection and refuses new ones,
/// <see cref="Restore"/> listens again on the same port.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private Task accepting = Task.CompletedTask;

    private TcpRelay(string targetHost, int targetPort, int port)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Port = port;
    }

    public int Port { get; }

    public static TcpRelay Start(string host, int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var relayPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(host, port, relayPort);
        relay.Restore();
        return relay;
    }

    public void Restore()
    {
        lock (gate)
        {
            if (listener is not null) return;
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            accepting = AcceptAsync(listener);
        }
    }

    /// <summary>As if the server went away: connections reset, new ones refused.</summary>
    public void Cut()
    {
        lock (gate)
        {
            listener?.Stop();
            listener = null;
            foreach (var client in open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // reset, not a polite close
                client.Dispose();
            }
            open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener from)
    {
        while (true)
        {
            TcpClient inbound;
            try { inbound = await from.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        lock (gate) { open.Add(inbound); open.Add(outbound); }
        try
        {
            await outbound.ConnectAsync(targetHost, targetPort);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            lock (gate) { open.Remove(inbound); open.Remove(outbound); }
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Cut();
        await accepting;
    }
}
