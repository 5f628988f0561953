using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PainPro.Messaging.Tests.Email;

/// <summary>
/// A scripted SMTP server on a loopback port, for what maildev cannot do: refuse a login, a sender, a mailbox or a
/// message; defer with 4xx; drop a connection at a chosen moment or while idle; offer STARTTLS or implicit TLS with its
/// own certificate. It speaks the ESMTP MailKit uses (EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP,
/// QUIT) over real TCP, records every connection and message, and uses no PainPro code.
/// </summary>
public sealed class SmtpServerDouble : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<int, Connection> open = new();
    private readonly ConcurrentQueue<ReceivedMail> messages = new();
    private readonly ConcurrentQueue<string> commands = new();
    private readonly Task accepting;
    private int connections;
    private int mostAtOnce;

    private SmtpServerDouble(TcpListener listener)
    {
        this.listener = listener;
        accepting = AcceptAsync();
    }

    public static SmtpServerDouble Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new SmtpServerDouble(listener);
    }

    public string Host => "127.0.0.1";
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>The most connections open at the same moment.</summary>
    public int MostConnectionsAtOnce => Volatile.Read(ref mostAtOnce);

    /// <summary>Messages taken (answered 250 after DATA, or cut off after the whole message arrived).</summary>
    public IReadOnlyList<ReceivedMail> Messages => [.. messages];

    /// <summary>Every command verb received, in order (AUTH's secrets are not kept).</summary>
    public IReadOnlyList<string> Commands => [.. commands];

    /// <summary>When set, AUTH is offered and required before MAIL; only this login is accepted.</summary>
    public (string User, string Password)? Login { get; set; }

    /// <summary>Offer STARTTLS with this certificate (or, with <see cref="ImplicitTls"/>, speak TLS from the first byte).</summary>
    public X509Certificate2? Certificate { get; set; }
    public bool ImplicitTls { get; set; }

    /// <summary>The reply to MAIL FROM (null: 250).</summary>
    public string? SenderReply { get; set; }

    /// <summary>The reply to RCPT TO for an address (null: 250).</summary>
    public Func<string, string?> RecipientReply { get; set; } = _ => null;

    /// <summary>The reply after the message's final dot (null: 250).</summary>
    public string? DataReply { get; set; }

    /// <summary>Close the connection on MAIL FROM, before anything of the message arrived.</summary>
    public bool DropAtMailFrom { get; set; }

    /// <summary>Close the connection after the whole message arrived, without a reply: the client cannot know.</summary>
    public bool DropAfterData { get; set; }

    /// <summary>
    /// Waits until every open connection waits for its next command, then closes them all, as a server does with idle
    /// sessions. The client has its reply before this server is back at its read, so "idle" is waited for, not assumed.
    /// </summary>
    public async Task DropIdleConnectionsAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (open.Values.Any(c => !c.Idle))
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeout.Token);
        foreach (var connection in open.Values) connection.Client.Close();
    }

    /// <summary>A certificate for 127.0.0.1 that nothing trusts unless told (the tests pin it).</summary>
    public static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=smtp-double", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stopping.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            var id = Interlocked.Increment(ref connections);
            var connection = new Connection(client);
            open[id] = connection;
            var now = open.Count;
            int seen;
            while ((seen = Volatile.Read(ref mostAtOnce)) < now && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen) { }
            _ = Task.Run(async () =>
            {
                try { await ServeAsync(connection); }
                // A broken connection or a client that did not trust the certificate ends the session, nothing more.
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                               or System.Security.Authentication.AuthenticationException) { }
                finally
                {
                    open.TryRemove(id, out _);
                    client.Dispose();
                }
            });
        }
    }

    private async Task ServeAsync(Connection connection)
    {
        Stream stream = connection.Client.GetStream();
        if (ImplicitTls) stream = await HandshakeAsync(stream);
        var session = new Session(stream);
        var authenticated = Login is null;
        var tls = ImplicitTls;
        await session.WriteAsync("220 smtp-double ESMTP ready");

        while (true)
        {
            connection.Idle = true;
            var line = await session.ReadLineAsync(stopping.Token);
            connection.Idle = false;
            if (line is null) return;
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            commands.Enqueue(verb == "MAIL" || verb == "RCPT" ? $"{verb} {line.Split(':', 2)[0].Split(' ').Last()}" : verb);
            switch (verb)
            {
                case "EHLO" or "HELO":
                    var extensions = new List<string> { "smtp-double", "8BITMIME", "ENHANCEDSTATUSCODES" };
                    if (Certificate is not null && !tls) extensions.Add("STARTTLS");
                    if (Login is not null) extensions.Add("AUTH PLAIN LOGIN");
                    await session.WriteAsync(string.Join("\r\n", extensions.Select((e, i) => $"250{(i == extensions.Count - 1 ? ' ' : '-')}{e}")));
                    break;
                case "STARTTLS" when Certificate is not null && !tls:
                    await session.WriteAsync("220 2.0.0 Ready to start TLS");
                    session = new Session(await HandshakeAsync(stream));
                    tls = true;
                    break;
                case "AUTH":
                    authenticated = await AuthenticateAsync(session, line);
                    await session.WriteAsync(authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                    break;
                case "MAIL":
                    if (DropAtMailFrom) return;
                    if (!authenticated) await session.WriteAsync("530 5.7.0 Authentication required");
                    else await session.WriteAsync(SenderReply ?? "250 2.1.0 Ok");
                    session.Recipients.Clear();
                    break;
                case "RCPT":
                    var address = Between(line, '<', '>');
                    var refusal = RecipientReply(address);
                    if (refusal is null) session.Recipients.Add(address);
                    await session.WriteAsync(refusal ?? "250 2.1.5 Ok");
                    break;
                case "DATA":
                    await session.WriteAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await session.ReadLineAsync(stopping.Token) is { } dataLine && dataLine != ".")
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    if (DropAfterData)
                    {
                        messages.Enqueue(new ReceivedMail([.. session.Recipients], data.ToString(), tls, Answered: false));
                        return;
                    }
                    var reply = DataReply ?? "250 2.0.0 Ok: queued";
                    if (reply.StartsWith('2')) messages.Enqueue(new ReceivedMail([.. session.Recipients], data.ToString(), tls, Answered: true));
                    await session.WriteAsync(reply);
                    break;
                case "RSET":
                    session.Recipients.Clear();
                    await session.WriteAsync("250 2.0.0 Ok");
                    break;
                case "NOOP":
                    await session.WriteAsync("250 2.0.0 Ok");
                    break;
                case "QUIT":
                    await session.WriteAsync("221 2.0.0 Bye");
                    return;
                default:
                    await session.WriteAsync("502 5.5.2 Command not recognised");
                    break;
            }
        }
    }

    private async Task<Stream> HandshakeAsync(Stream inner)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(Certificate!, clientCertificateRequired: false, checkCertificateRevocation: false);
        return ssl;
    }

    private async Task<bool> AuthenticateAsync(Session session, string line)
    {
        var parts = line.Split(' ');
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
        string user, password;
        if (mechanism == "PLAIN")
        {
            var initial = parts.Length > 2 ? parts[2] : await Challenge(session, "");
            var fields = Decode(initial).Split('\0');
            (user, password) = fields.Length == 3 ? (fields[1], fields[2]) : ("", "");
        }
        else if (mechanism == "LOGIN")
        {
            user = Decode(parts.Length > 2 ? parts[2] : await Challenge(session, "VXNlcm5hbWU6"));
            password = Decode(await Challenge(session, "UGFzc3dvcmQ6"));
        }
        else return false;
        return Login is { } login && login.User == user && login.Password == password;

        async Task<string> Challenge(Session s, string prompt)
        {
            await s.WriteAsync("334 " + prompt);
            return await s.ReadLineAsync(stopping.Token) ?? "";
        }
    }

    private static string Decode(string base64)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim())); }
        catch (FormatException) { return ""; }
    }

    private static string Between(string text, char open, char close)
    {
        var start = text.IndexOf(open);
        var end = text.IndexOf(close, start + 1);
        return start < 0 || end < 0 ? "" : text[(start + 1)..end];
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        foreach (var connection in open.Values) connection.Client.Close();
        await accepting;
        stopping.Dispose();
    }

    private sealed class Connection(TcpClient client)
    {
        public TcpClient Client { get; } = client;
        public volatile bool Idle;
    }

    /// <summary>Reads CRLF lines from a stream byte by byte, so nothing is buffered past a STARTTLS.</summary>
    private sealed class Session(Stream stream)
    {
        private readonly byte[] one = new byte[1];

        public List<string> Recipients { get; } = [];

        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var line = new List<byte>();
            while (true)
            {
                if (await stream.ReadAsync(one, ct) == 0) return null;
                if (one[0] == '\n') return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
                line.Add(one[0]);
            }
        }

        public async Task WriteAsync(string reply)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"));
            await stream.FlushAsync();
        }
    }
}

/// <summary>One message the double received: its recipients, its text (headers and body) and whether it came over TLS.</summary>
public sealed record ReceivedMail(IReadOnlyList<string> Recipients, string Data, bool OverTls, bool Answered);
