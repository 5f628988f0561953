using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.RateLimiting;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Messaging.Twilio;

/// <summary>
/// Sends SMS through Twilio's REST API (<c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>) over plain
/// <see cref="HttpClient"/>, one request per call, in a turn of the sender's token bucket the caller took. It only
/// classifies what Twilio answered — by whose fault (<see cref="TwilioErrors"/>) — and never retries itself: the caller
/// defers a send Twilio could not take (429, 5xx, a connection that never opened) and tries again later, checking quiet
/// hours and the sender's state before every request. A request that may have reached Twilio (a timeout once
/// connected, a connection cut mid-response) is never repeated: the outcome is reported as unknown rather than risk a
/// second text. Everything HTTP stays in this class, so Twilio's SDK could replace it without touching the callers.
/// </summary>
public sealed class TwilioSmsGateway(
    HttpClient http,
    IOptions<MessagingOptions> messagingOptions,
    IOptions<PainProOptions> painProOptions,
    Credentials credentials,
    SenderRateLimits rateLimits,
    TimeProvider time,
    ILogger<TwilioSmsGateway> logger) : ISmsGateway
{
    public const string StatusCallbackPath = "/webhooks/twilio/status";

    private TwilioClientOptions Options => messagingOptions.Value.Twilio;

    /// <summary>Where Twilio posts delivery statuses; the signature is computed on exactly this URL.</summary>
    public static string StatusCallbackUrl(PainProOptions options) => options.PublicBaseUrl.TrimEnd('/') + StatusCallbackPath;

    public async Task<SmsTurn> TakeTurnAsync(CancellationToken ct) =>
        new(await rateLimits.WaitTurnAsync(Options.Sender, Options.RatePerSecond, Options.Burst, ct));

    public async Task<SendOutcome> SendAsync(SmsMessage message, SmsTurn turn, CancellationToken ct)
    {
        var accountSid = Options.AccountSid ?? painProOptions.Value.Twilio.AccountSid
            ?? throw new InvalidOperationException("PainPro:Messaging:Twilio:AccountSid is not configured.");
        using var request = BuildRequest(accountSid, message);
        HttpResponseMessage response;
        // The request itself is bounded only by the timeout: cancelling it half-sent at shutdown would leave us
        // not knowing whether the patient got a text.
        using (var timeout = new CancellationTokenSource(Options.Timeout, time))
        {
            try
            {
                response = await http.SendAsync(request, timeout.Token);
            }
            catch (OperationCanceledException ex) when (ex.InnerException is TimeoutException && !timeout.IsCancellationRequested)
            {
                // The handler's ConnectTimeout: no connection, so not a byte of the request left.
                return new SendOutcome.Unavailable($"No connection to Twilio within {Options.ConnectTimeout.TotalSeconds:0.#} s");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return new SendOutcome.Unknown($"Twilio did not answer within {Options.Timeout.TotalSeconds:0.#} s");
            }
            catch (HttpRequestException ex) when (NothingWasSent(ex))
            {
                return new SendOutcome.Unavailable($"Twilio unreachable: {ex.HttpRequestError}");
            }
            catch (HttpRequestException ex)
            {
                return new SendOutcome.Unknown($"Connection to Twilio failed mid-request: {ex.HttpRequestError}");
            }
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var created = await ReadJsonAsync<CreatedMessage>(response);
                if (string.IsNullOrEmpty(created?.Sid))
                    return new SendOutcome.Unknown($"Twilio answered {(int)response.StatusCode} without a message sid");
                return new SendOutcome.Accepted(created.Sid, created.Status ?? "queued");
            }

            if (IsRetryable(response.StatusCode))
                return new SendOutcome.Unavailable($"Twilio answered {(int)response.StatusCode}", RetryAfter(response));

            var code = (await ReadJsonAsync<ErrorBody>(response))?.Code;
            if (code is null && response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                code = TwilioErrors.AuthenticationFailed;
            var described = TwilioErrors.Describe(code);
            var detail = $"Twilio answered {(int)response.StatusCode}: {described.Description}";
            return described.Fault == FaultOf.Sender
                ? new SendOutcome.SenderRefused(described.Code.ToString(CultureInfo.InvariantCulture), detail)
                : new SendOutcome.Rejected(described.Reason, code?.ToString(CultureInfo.InvariantCulture), detail);
        }
    }

    /// <summary>
    /// Reads the recipient's most recent messages (<c>GET …/Messages.json?To=…</c>, newest first) for one with the same
    /// body created at or after <paramref name="since"/>. Any failure to ask is "not found": the caller sends.
    /// </summary>
    public async Task<SendOutcome.Accepted?> FindTakenAsync(SmsMessage message, DateTimeOffset since, CancellationToken ct)
    {
        var accountSid = Options.AccountSid ?? painProOptions.Value.Twilio.AccountSid;
        if (accountSid is null) return null;
        var uri = new Uri($"{Options.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json" +
                          $"?To={Uri.EscapeDataString(message.To)}&PageSize={RecentMessagesToCheck}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        Authorize(request, accountSid);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Options.Timeout);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Twilio answered {Status} to the look-up of a recent message; sending again", (int)response.StatusCode);
                return null;
            }
            var page = await ReadJsonAsync<MessagePage>(response);
            var taken = page?.Messages?.FirstOrDefault(m =>
                m.Sid is not null && m.Body == message.Body
                && DateTimeOffset.TryParse(m.DateCreated, CultureInfo.InvariantCulture, DateTimeStyles.None, out var created) && created >= since);
            return taken is null ? null : new SendOutcome.Accepted(taken.Sid!, taken.Status ?? "queued");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not look up a recent message at Twilio ({Error}); sending again", ex.GetType().Name);
            return null;
        }
    }

    /// <summary>How many of a recipient's newest messages a look-up reads: a patient gets a few texts a month.</summary>
    private const int RecentMessagesToCheck = 20;

    private void Authorize(HttpRequestMessage request, string accountSid)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{credentials.TwilioAuthToken}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    private HttpRequestMessage BuildRequest(string accountSid, SmsMessage message)
    {
        var fields = new List<KeyValuePair<string, string>> { new("To", message.To), new("Body", message.Body) };
        fields.Add(string.IsNullOrWhiteSpace(Options.MessagingServiceSid)
            ? new("From", Options.From ?? throw new InvalidOperationException("Set PainPro:Messaging:Twilio:From or MessagingServiceSid."))
            : new("MessagingServiceSid", Options.MessagingServiceSid));
        fields.Add(new("StatusCallback", StatusCallbackUrl(painProOptions.Value)));

        var uri = new Uri($"{Options.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(fields) };
        Authorize(request, accountSid);
        return request;
    }

    private static bool IsRetryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    // These fail before a byte of the request leaves, so a retry cannot double a text.
    private static bool NothingWasSent(HttpRequestException ex) => ex.HttpRequestError is
        HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or
        HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    /// <summary>Twilio's <c>Retry-After</c>, in seconds or as a date (read against the response's own <c>Date</c>).</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta
            ?? (header?.Date is { } until && response.Headers.Date is { } sentAt ? until - sentAt : null);
        return delay is { } d && d > TimeSpan.Zero ? d : null;
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response) where T : class
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            return await JsonSerializer.DeserializeAsync<T>(stream);
        }
        catch (JsonException) { return null; }
    }

    private sealed record CreatedMessage(
        [property: JsonPropertyName("sid")] string? Sid,
        [property: JsonPropertyName("status")] string? Status);

    private sealed record MessagePage([property: JsonPropertyName("messages")] List<ListedMessage>? Messages);

    private sealed record ListedMessage(
        [property: JsonPropertyName("sid")] string? Sid,
        [property: JsonPropertyName("body")] string? Body,
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("date_created")] string? DateCreated);

    private sealed record ErrorBody(
        [property: JsonPropertyName("code")] int? Code,
        [property: JsonPropertyName("message")] string? Message);
}
