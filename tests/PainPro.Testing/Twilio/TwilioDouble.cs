using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PainPro.Testing.Twilio;

/// <summary>
/// A Twilio-compatible test double: a tiny Kestrel app on a free loopback port that accepts
/// <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c> like Twilio does (basic auth, form fields, 201 JSON with
/// <c>sid</c>, <c>status</c>, <c>error_code</c>), records every request, fails on demand — the next requests, every
/// request for a period (an outage: 503, or our account refused: 401/20003, 400/21606 …, with <c>Retry-After</c>), or
/// every message to a given number (21211, 21610 …) — and posts status callbacks signed the way Twilio signs them.
/// Nothing here uses PainPro code, so it checks PainPro against Twilio's behaviour rather than against itself.
/// </summary>
public sealed class TwilioDouble : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<TwilioAnswer> script = new();
    private readonly ConcurrentDictionary<string, TwilioAnswer> failingNumbers = new();
    private readonly List<TwilioRequest> requests = [];
    private readonly Lock gate = new();
    private readonly HttpClient callbacks = new() { Timeout = TimeSpan.FromSeconds(30) };
    private TwilioAnswer? everyRequest;

    private TwilioDouble(WebApplication app, string baseUrl, string accountSid, string authToken)
    {
        this.app = app;
        BaseUrl = baseUrl;
        AccountSid = accountSid;
        AuthToken = authToken;
    }

    /// <summary>The header Twilio signs its webhooks in.</summary>
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>Where to point <c>PainPro:Messaging:Twilio:BaseUrl</c>.</summary>
    public string BaseUrl { get; }

    public string AccountSid { get; }
    public string AuthToken { get; }

    /// <summary>Every request received, in arrival order, whatever it was answered.</summary>
    public IReadOnlyList<TwilioRequest> Requests
    {
        get { lock (gate) return [.. requests]; }
    }

    /// <summary>The messages Twilio "accepted" (answered 201), in arrival order.</summary>
    public IReadOnlyList<TwilioRequest> AcceptedMessages => [.. Requests.Where(r => r.StatusCode == StatusCodes.Status201Created)];

    public static async Task<TwilioDouble> StartAsync(string? accountSid = null, string? authToken = null)
    {
        accountSid ??= "AC" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        authToken ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var baseUrl = $"http://127.0.0.1:{TestInfrastructure.FreePort()}";

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(baseUrl);
        var app = builder.Build();
        var twilio = new TwilioDouble(app, baseUrl, accountSid, authToken);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", (string accountSid, HttpContext context) => twilio.CreateMessageAsync(accountSid, context));
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", (string accountSid, HttpContext context) => twilio.ListMessagesAsync(accountSid, context));
        await app.StartAsync();
        return twilio;
    }

    /// <summary>The next requests get these answers, one each, in order; then normal service resumes.</summary>
    public void Enqueue(params TwilioAnswer[] answers)
    {
        foreach (var answer in answers) script.Enqueue(answer);
    }

    /// <summary>Every message to <paramref name="to"/> gets <paramref name="answer"/> (e.g. 21610 for an opted-out number).</summary>
    public void FailMessagesTo(string to, TwilioAnswer answer) => failingNumbers[to] = answer;

    /// <summary>
    /// From now until <see cref="Recover"/>, every request — create and list alike, whatever the number — gets
    /// <paramref name="answer"/>: an outage (<see cref="TwilioAnswer.ServiceUnavailable"/>) or our account refused
    /// (<see cref="TwilioAnswer.AuthenticationFailed"/>, <see cref="TwilioAnswer.FromNumberCannotSend"/>). A later call replaces the fault.
    /// </summary>
    public void FailEverything(TwilioAnswer answer) => Volatile.Write(ref everyRequest, answer);

    /// <summary>Ends <see cref="FailEverything"/>: Twilio answers normally again.</summary>
    public void Recover() => Volatile.Write(ref everyRequest, null);

    /// <summary>
    /// The clock <see cref="TwilioRequest.ReceivedOnClock"/> is read from: the business clock of services running on a
    /// dev clock, so a test can say at what local time a text arrived (<see cref="TwilioRequest.ReceivedAt"/> stays real
    /// time, as Twilio's own dates are). The system clock by default.
    /// </summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>
    /// How long an unscripted message takes to be answered once accepted (recorded): a provider under load, and a
    /// window in which a sender that dies has had its text taken without hearing so.
    /// </summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Posts a status callback for an accepted message to the <c>StatusCallback</c> URL it was sent with (or
    /// <paramref name="url"/>), form encoded and signed with the auth token like Twilio's own callbacks.
    /// </summary>
    public async Task<HttpResponseMessage> PostStatusCallbackAsync(string messageSid, string status, string? errorCode = null,
        string? url = null, string? authToken = null)
    {
        var message = AcceptedMessages.SingleOrDefault(r => r.MessageSid == messageSid)
            ?? throw new InvalidOperationException($"The double accepted no message {messageSid}.");
        var target = url ?? message.StatusCallback ?? throw new InvalidOperationException($"Message {messageSid} was sent without a StatusCallback.");
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid,
            ["ApiVersion"] = "2010-04-01",
            ["From"] = message.From ?? "",
            ["MessageSid"] = messageSid,
            ["MessageStatus"] = status,
            ["SmsSid"] = messageSid,
            ["SmsStatus"] = status,
            ["To"] = message.To ?? "",
        };
        if (message.MessagingServiceSid is { } service) form["MessagingServiceSid"] = service;
        if (errorCode is not null) form["ErrorCode"] = errorCode;

        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(SignatureHeader, Sign(authToken ?? AuthToken, target, form));
        request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
        return await callbacks.SendAsync(request);
    }

    /// <summary>
    /// Twilio's request signature, written out independently: base64(HMAC-SHA1(auth token, URL followed by each
    /// POST parameter's name and value, sorted by name)).
    /// </summary>
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
            data.Append(name).Append(value);
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data.ToString())));
    }

    private async Task CreateMessageAsync(string accountSid, HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : FormCollection.Empty;
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var authorized = IsAuthorized(context.Request, accountSid);

        TwilioAnswer answer;
        if (!authorized)
            answer = TwilioAnswer.Error(StatusCodes.Status401Unauthorized, 20003, "Authenticate");
        else if (Volatile.Read(ref everyRequest) is { } fault)
            answer = fault;
        else if (!string.Equals(accountSid, AccountSid, StringComparison.Ordinal))
            answer = TwilioAnswer.Error(StatusCodes.Status404NotFound, 20404, $"The requested resource /2010-04-01/Accounts/{accountSid}/Messages.json was not found");
        else if (Invalid(fields) is { } invalid)
            answer = invalid;
        else if (script.TryDequeue(out var scripted))
            answer = scripted;
        else if (fields.TryGetValue("To", out var to) && failingNumbers.TryGetValue(to, out var failing))
            answer = failing;
        else
            answer = TwilioAnswer.Accept(Latency);

        var sid = answer.StatusCode == StatusCodes.Status201Created ? "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : null;
        var record = new TwilioRequest(accountSid, fields, authorized, answer.StatusCode, sid, DateTimeOffset.UtcNow, Clock.GetUtcNow());
        lock (gate) requests.Add(record);

        if (answer.Delay > TimeSpan.Zero) await Task.Delay(answer.Delay);
        if (answer.ResetConnection)
        {
            // The request arrived whole; the connection dies before a byte of the answer leaves.
            context.Abort();
            return;
        }
        if (sid is null) await WriteErrorAsync(context, answer);
        else
        {
            context.Response.StatusCode = answer.StatusCode;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(MessageJson(accountSid, sid, fields, status: answer.Status, errorCode: answer.ErrorCode));
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, TwilioAnswer answer)
    {
        context.Response.StatusCode = answer.StatusCode;
        if (answer.RetryAfter is { } retryAfter)
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(ErrorJson(answer));
    }

    /// <summary>
    /// Twilio's message list as the SDK reads it (<c>messages</c> and the v2010 paging fields, <c>uri</c> among them): the
    /// account's accepted messages, newest first, filtered by <c>To</c>, one page of <c>PageSize</c>.
    /// </summary>
    private async Task ListMessagesAsync(string accountSid, HttpContext context)
    {
        lock (gate) listRequests++;
        if (!IsAuthorized(context.Request, accountSid) || !string.Equals(accountSid, AccountSid, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, TwilioAnswer.Error(StatusCodes.Status401Unauthorized, 20003, "Authenticate"));
            return;
        }
        if (Volatile.Read(ref everyRequest) is { } fault)
        {
            await WriteErrorAsync(context, fault);
            return;
        }
        var to = context.Request.Query["To"].ToString();
        var pageSize = int.TryParse(context.Request.Query["PageSize"], out var size) ? Math.Clamp(size, 1, 1000) : 50;
        var page = AcceptedMessages.Where(m => to.Length == 0 || m.To == to).OrderByDescending(m => m.ReceivedAt).Take(pageSize)
            .Select(m => JsonSerializer.Deserialize<Dictionary<string, object?>>(MessageJson(accountSid, m.MessageSid!, m.Form, m.ReceivedAt)))
            .ToList();
        var uri = $"/2010-04-01/Accounts/{accountSid}/Messages.json?To={Uri.EscapeDataString(to)}&PageSize={pageSize}";
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["messages"] = page,
            ["uri"] = uri + "&Page=0",
            ["first_page_uri"] = uri + "&Page=0",
            ["next_page_uri"] = null,
            ["previous_page_uri"] = null,
            ["page"] = 0,
            ["page_size"] = pageSize,
            ["start"] = 0,
            ["end"] = Math.Max(0, page.Count - 1),
        }));
    }

    /// <summary>How many times the message list was read.</summary>
    public int ListRequests { get { lock (gate) return listRequests; } }
    private int listRequests;

    private bool IsAuthorized(HttpRequest request, string accountSid)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            return pair == $"{accountSid}:{AuthToken}";
        }
        catch (FormatException) { return false; }
    }

    // The checks Twilio makes on the create-message request itself.
    private static TwilioAnswer? Invalid(Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("To", out var to) || to.Length == 0)
            return TwilioAnswer.Error(400, 21604, "A 'To' phone number is required.");
        if (!to.StartsWith('+') || to.Length < 8 || !to[1..].All(char.IsAsciiDigit))
            return TwilioAnswer.Error(400, 21211, $"The 'To' number {to} is not a valid phone number.");
        if (!fields.ContainsKey("From") && !fields.ContainsKey("MessagingServiceSid"))
            return TwilioAnswer.Error(400, 21603, "A 'From' phone number is required.");
        if (!fields.TryGetValue("Body", out var body) || body.Length == 0)
            return TwilioAnswer.Error(400, 21602, "Message body is required.");
        if (body.Length > 1600)
            return TwilioAnswer.Error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
        return null;
    }

    private static string MessageJson(string accountSid, string sid, IReadOnlyDictionary<string, string> fields, DateTimeOffset? createdAt = null,
        string? status = null, int? errorCode = null)
    {
        var now = (createdAt ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["account_sid"] = accountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = fields.GetValueOrDefault("Body"),
            ["date_created"] = now,
            ["date_sent"] = null,
            ["date_updated"] = now,
            ["direction"] = "outbound-api",
            ["error_code"] = errorCode,
            ["error_message"] = null,
            ["from"] = fields.GetValueOrDefault("From"),
            ["messaging_service_sid"] = fields.GetValueOrDefault("MessagingServiceSid"),
            ["num_media"] = "0",
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = sid,
            ["status"] = status ?? (fields.ContainsKey("MessagingServiceSid") ? "accepted" : "queued"),
            ["to"] = fields.GetValueOrDefault("To"),
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json",
        });
    }

    private static string ErrorJson(TwilioAnswer answer) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["code"] = answer.ErrorCode,
        ["message"] = answer.Message,
        ["more_info"] = answer.ErrorCode is { } code ? $"https://www.twilio.com/docs/errors/{code}" : null,
        ["status"] = answer.StatusCode,
    });

    public async ValueTask DisposeAsync()
    {
        callbacks.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>
/// One answer of the double: accept (201, with <paramref name="Status"/> "queued" unless given), fail with Twilio's
/// error JSON, or cut the connection (<paramref name="ResetConnection"/>), optionally after a delay.
/// </summary>
public sealed record TwilioAnswer(int StatusCode, int? ErrorCode = null, string? Message = null, TimeSpan? RetryAfter = null,
    TimeSpan Delay = default, string? Status = null, bool ResetConnection = false)
{
    public static TwilioAnswer Accept(TimeSpan delay = default) => new(StatusCodes.Status201Created, Delay: delay);

    /// <summary>201 for a message that already failed (Twilio answers so for some numbers), with its error code.</summary>
    public static TwilioAnswer AcceptedButFailed(int errorCode = 30008) => new(StatusCodes.Status201Created, errorCode, Status: "failed");

    /// <summary>The request is taken, then the connection is cut before any answer: the client cannot know what happened.</summary>
    public static TwilioAnswer Reset() => new(StatusCodes.Status201Created, ResetConnection: true);

    /// <summary>A Twilio API error, e.g. <c>Error(400, 21610, "Attempt to send to unsubscribed recipient")</c>.</summary>
    public static TwilioAnswer Error(int statusCode, int code, string message) => new(statusCode, code, message);

    public static TwilioAnswer OptedOut() => Error(400, 21610, "Attempt to send to unsubscribed recipient");

    public static TwilioAnswer InvalidNumber() => Error(400, 21211, "The 'To' number is not a valid phone number.");

    /// <summary>429 with <c>Retry-After</c> in whole seconds, as Twilio answers when over its queue limits.</summary>
    public static TwilioAnswer TooManyRequests(TimeSpan? retryAfter = null) =>
        new(StatusCodes.Status429TooManyRequests, 20429, "Too Many Requests", retryAfter ?? TimeSpan.FromSeconds(1));

    public static TwilioAnswer ServerError() => Error(StatusCodes.Status500InternalServerError, 20500, "Internal Server Error");

    /// <summary>503, as Twilio answers in an outage, optionally naming when to come back.</summary>
    public static TwilioAnswer ServiceUnavailable(TimeSpan? retryAfter = null) =>
        new(StatusCodes.Status503ServiceUnavailable, 20503, "Service Unavailable", retryAfter);

    /// <summary>401/20003: our credentials are refused (a rotated auth token, a closed sub-account).</summary>
    public static TwilioAnswer AuthenticationFailed() => Error(StatusCodes.Status401Unauthorized, 20003, "Authenticate");

    /// <summary>400/21606: our From number is not a valid, SMS-capable number of the account.</summary>
    public static TwilioAnswer FromNumberCannotSend() =>
        Error(StatusCodes.Status400BadRequest, 21606, "The From phone number is not a valid, SMS-capable inbound phone number or short code for your account.");

    /// <summary>Accepts the message but answers only after <paramref name="delay"/> (to trip the client's timeout).</summary>
    public static TwilioAnswer Slow(TimeSpan delay) => Accept(delay);
}

/// <summary>One create-message request as the double saw it, with what it answered.</summary>
public sealed record TwilioRequest(
    string AccountSid,
    IReadOnlyDictionary<string, string> Form,
    bool Authorized,
    int StatusCode,
    string? MessageSid,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ReceivedOnClock)
{
    public string? To => Form.GetValueOrDefault("To");
    public string? From => Form.GetValueOrDefault("From");
    public string? MessagingServiceSid => Form.GetValueOrDefault("MessagingServiceSid");
    public string? Body => Form.GetValueOrDefault("Body");
    public string? StatusCallback => Form.GetValueOrDefault("StatusCallback");
}
