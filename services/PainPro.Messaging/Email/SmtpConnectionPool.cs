using System.Net.Security;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PainPro.Messaging.Email;

/// <summary>
/// Connected, authenticated SMTP sessions, reused from one send to the next: a batch of emails (a dispatch, the
/// care-team notices) goes over a few connections instead of one TCP + TLS + AUTH handshake each. At most
/// <c>Smtp:MaxConnections</c> are open at once (a send waits for one); a session is closed after
/// <c>Smtp:MaxMessagesPerConnection</c> messages, when it has been idle <c>Smtp:IdleTimeout</c> (real time), and after any
/// failure but a refused command (MailKit has reset the transaction, so the session is still good).
/// </summary>
public sealed class SmtpConnectionPool(IOptions<MessagingOptions> options, TimeProvider realTime, ILogger<SmtpConnectionPool> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim slots = new(Math.Max(1, options.Value.Smtp.MaxConnections));
    private readonly Stack<Session> idle = new();
    private readonly Lock gate = new();
    private int opened;
    private volatile bool disposed;

    private SmtpOptions Smtp => options.Value.Smtp;

    /// <summary>How many connections this pool has opened so far.</summary>
    public int Opened => Volatile.Read(ref opened);

    /// <summary>For tests that run TLS against a server with their own certificate; null means the system's trust.</summary>
    internal RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>A session to send one message on; dispose it to hand it back (<see cref="SmtpLease.Discard"/> first if it failed).</summary>
    public async Task<SmtpLease> LeaseAsync()
    {
        await slots.WaitAsync();
        try
        {
            while (TakeIdle() is { } session)
            {
                if (session.Client.IsConnected && realTime.GetElapsedTime(session.IdleSince) < Smtp.IdleTimeout)
                    return new SmtpLease(this, session, reused: true);
                await CloseAsync(session);
            }
            return new SmtpLease(this, await ConnectAsync(), reused: false);
        }
        catch
        {
            slots.Release();
            throw;
        }
    }

    private Session? TakeIdle()
    {
        lock (gate) return idle.TryPop(out var session) ? session : null;
    }

    private async Task<Session> ConnectAsync()
    {
        var smtp = Smtp;
        var client = new SmtpClient
        {
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
            CheckCertificateRevocation = smtp.CheckCertificateRevocation,
        };
        if (ServerCertificateValidation is { } validate) client.ServerCertificateValidationCallback = validate;
        try
        {
            // Not cancelled at shutdown either: every step is bounded by Smtp:Timeout.
            await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("PainPro:Messaging:Smtp:Host is not configured."),
                smtp.Port, smtp.ResolveSecurity());
            if (!string.IsNullOrEmpty(smtp.Username)) await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "");
        }
        catch
        {
            client.Dispose();
            throw;
        }
        Interlocked.Increment(ref opened);
        logger.LogDebug("Opened an SMTP connection to {Host}:{Port} ({Security})", smtp.Host, smtp.Port, smtp.ResolveSecurity());
        return new Session(client);
    }

    internal async ValueTask ReturnAsync(Session session, bool reusable)
    {
        try
        {
            session.Sent++;
            if (reusable && !disposed && session.Client.IsConnected && session.Sent < Smtp.MaxMessagesPerConnection)
            {
                session.IdleSince = realTime.GetTimestamp();
                lock (gate) idle.Push(session);
            }
            else await CloseAsync(session);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task CloseAsync(Session session)
    {
        try
        {
            if (session.Client.IsConnected) await session.Client.DisconnectAsync(quit: true);
        }
        catch (Exception ex) when (SmtpFailures.IsSmtpFailure(ex))
        {
            // The server went first; nothing is lost by not saying goodbye.
        }
        finally
        {
            session.Client.Dispose();
        }
    }

    /// <summary>Says goodbye on idle sessions; one still sending is closed when it comes back.</summary>
    public async ValueTask DisposeAsync()
    {
        disposed = true;
        while (TakeIdle() is { } session) await CloseAsync(session);
    }

    internal sealed class Session(SmtpClient client)
    {
        public SmtpClient Client { get; } = client;
        public int Sent { get; set; }
        public long IdleSince { get; set; }
    }
}

/// <summary>One leased SMTP session. Dispose to return it; <see cref="Discard"/> first when it must not be reused.</summary>
public sealed class SmtpLease : IAsyncDisposable
{
    private readonly SmtpConnectionPool pool;
    private readonly SmtpConnectionPool.Session session;
    private bool reusable = true;
    private bool returned;

    internal SmtpLease(SmtpConnectionPool pool, SmtpConnectionPool.Session session, bool reused)
    {
        this.pool = pool;
        this.session = session;
        Reused = reused;
    }

    public SmtpClient Client => session.Client;

    /// <summary>The session served an earlier message: a server may have dropped it while it was idle.</summary>
    public bool Reused { get; }

    public void Discard() => reusable = false;

    public async ValueTask DisposeAsync()
    {
        if (returned) return;
        returned = true;
        await pool.ReturnAsync(session, reusable);
    }
}

public static class SmtpSecurity
{
    /// <summary>
    /// The TLS mode: <c>Smtp:Security</c> when set (MailKit's <see cref="SecureSocketOptions"/>), else from
    /// <c>Smtp:EnableSsl</c>: off → none; on → implicit TLS on port 465, required STARTTLS on any other port.
    /// </summary>
    public static SecureSocketOptions ResolveSecurity(this SmtpOptions smtp) =>
        smtp.Security ?? (!smtp.EnableSsl ? SecureSocketOptions.None
            : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
}
