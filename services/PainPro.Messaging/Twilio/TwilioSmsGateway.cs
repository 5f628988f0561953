using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.RateLimiting;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.Twilio.Rest;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace PainPro.Messaging.Twilio;

/// <summary>
/// Sends SMS with Twilio's SDK (<see cref="MessageResource.CreateAsync(CreateMessageOptions, ITwilioRestClient)"/>), one
/// request per call, in a turn of the sender's token bucket the caller took. It only classifies what Twilio answered —
/// by whose fault (<see cref="TwilioErrors"/>) — and never retries, nor does the SDK: the caller defers a send Twilio
/// could not take (429, 5xx, a connection that never opened) and tries again later, checking quiet hours and the
/// sender's state before every request. A request that may have reached Twilio (a timeout once connected, a connection
/// cut mid-response) is never repeated: the outcome is reported as unknown rather than risk a second text.
/// </summary>
public sealed class TwilioSmsGateway(
    TwilioRestClientFactory clients,
    IOptions<MessagingOptions> messagingOptions,
    IOptions<PainProOptions> painProOptions,
    Credentials credentials,
    SenderRateLimits rateLimits,
    ILogger<TwilioSmsGateway> logger) : ISmsGateway
{
    public const string StatusCallbackPath = "/webhooks/twilio/status";

    /// <summary>How many of a recipient's newest messages a look-up reads: a patient gets a few texts a month.</summary>
    private const int RecentMessagesToCheck = 20;

    private TwilioClientOptions Options => messagingOptions.Value.Twilio;

    /// <summary>Where Twilio posts delivery statuses; the signature is computed on exactly this URL.</summary>
    public static string StatusCallbackUrl(PainProOptions options) => options.PublicBaseUrl.TrimEnd('/') + StatusCallbackPath;

    public async Task<SmsTurn> TakeTurnAsync(CancellationToken ct) =>
        new(await rateLimits.WaitTurnAsync(Options.Sender, Options.RatePerSecond, Options.Burst, ct));

    public async Task<SendOutcome> SendAsync(SmsMessage message, SmsTurn turn, CancellationToken ct)
    {
        var accountSid = Options.AccountSid ?? painProOptions.Value.Twilio.AccountSid
            ?? throw new InvalidOperationException("PainPro:Messaging:Twilio:AccountSid is not configured.");
        var create = new CreateMessageOptions(new PhoneNumber(message.To))
        {
            PathAccountSid = accountSid,
            Body = message.Body,
            StatusCallback = new Uri(StatusCallbackUrl(painProOptions.Value)),
        };
        if (string.IsNullOrWhiteSpace(Options.MessagingServiceSid))
            create.From = new PhoneNumber(Options.From ?? throw new InvalidOperationException("Set PainPro:Messaging:Twilio:From or MessagingServiceSid."));
        else
            create.MessagingServiceSid = Options.MessagingServiceSid;

        // The request is bounded only by its timeout (the client's pipeline), never by ct: cancelling it half-sent at
        // shutdown would leave us not knowing whether the patient got a text.
        var client = clients.Create(accountSid, credentials.TwilioAuthToken ?? "");
        try
        {
            var created = await MessageResource.CreateAsync(create, client);
            return string.IsNullOrEmpty(created?.Sid)
                ? new SendOutcome.Unknown("Twilio took the request but answered without a message sid")
                : new SendOutcome.Accepted(created.Sid, created.Status?.ToString() ?? "queued");
        }
        catch (ApiConnectionException ex)
        {
            var detail = TwilioConnectionFailures.Describe(ex);
            return TwilioConnectionFailures.NothingWasSent(ex) ? new SendOutcome.Unavailable(detail) : new SendOutcome.Unknown(detail);
        }
        catch (TwilioException ex)
        {
            return Classify(ex, client.HttpClient.LastResponse);
        }
    }

    /// <summary>
    /// What Twilio's refusal means. The HTTP status comes from the response itself: the SDK leaves
    /// <see cref="ApiException.Status"/> at 0 when the body was not Twilio's error JSON (an empty 401, a proxy's 502 page).
    /// </summary>
    private static SendOutcome Classify(TwilioException refusal, global::Twilio.Http.Response? response)
    {
        var (status, errorCode) = refusal switch
        {
            ApiException api => (api.Status, api.Code),
            ApiStandardException standard => (standard.Status, standard.Code),
            _ => (0, 0),
        };
        if (response is not null) status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
            return new SendOutcome.Unknown($"Twilio answered {status} with a body that is not a message");
        if (status == (int)HttpStatusCode.TooManyRequests || status >= 500)
            return new SendOutcome.Unavailable($"Twilio answered {status}", RetryAfter(response));
        if (status == 0)
            return new SendOutcome.Unknown($"Twilio's answer could not be read: {refusal.GetType().Name}");

        int? code = errorCode != 0 ? errorCode : null;
        if (code is null && status is (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden)
            code = TwilioErrors.AuthenticationFailed;
        var described = TwilioErrors.Describe(code);
        var detail = $"Twilio answered {status}: {described.Description}";
        return described.Fault == FaultOf.Sender
            ? new SendOutcome.SenderRefused(described.Code.ToString(CultureInfo.InvariantCulture), detail)
            : new SendOutcome.Rejected(described.Reason, code?.ToString(CultureInfo.InvariantCulture), detail);
    }

    /// <summary>
    /// Reads the recipient's most recent messages (<see cref="MessageResource.ReadAsync(ReadMessageOptions, ITwilioRestClient)"/>,
    /// newest first, one page) for one with the same body created at or after <paramref name="since"/>. Any failure to
    /// ask is "not found": the caller sends.
    /// </summary>
    public async Task<SendOutcome.Accepted?> FindTakenAsync(SmsMessage message, DateTimeOffset since, CancellationToken ct)
    {
        var accountSid = Options.AccountSid ?? painProOptions.Value.Twilio.AccountSid;
        if (accountSid is null) return null;
        var client = clients.Create(accountSid, credentials.TwilioAuthToken ?? "");
        try
        {
            var page = await MessageResource.ReadAsync(
                new ReadMessageOptions { PathAccountSid = accountSid, To = new PhoneNumber(message.To), PageSize = RecentMessagesToCheck }, client);
            page.AutoPaging = false; // the newest page is enough, and the SDK would fetch further pages synchronously
            var taken = page.FirstOrDefault(m =>
                !string.IsNullOrEmpty(m.Sid) && m.Body == message.Body && m.DateCreated is { } created && AsInstant(created) >= since);
            return taken is null ? null : new SendOutcome.Accepted(taken.Sid, taken.Status?.ToString() ?? "queued");
        }
        catch (ApiConnectionException ex)
        {
            // Never ex.Message: it quotes the URL, whose query is the patient's number.
            logger.LogWarning("Could not look up a recent message at Twilio ({Error}); sending again", TwilioConnectionFailures.Describe(ex));
            return null;
        }
        catch (TwilioException ex)
        {
            logger.LogWarning("Twilio answered {Status} ({Error}) to the look-up of a recent message; sending again",
                (int?)client.HttpClient.LastResponse?.StatusCode, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>The SDK reads Twilio's dates into local time; one without a kind is taken as UTC, as Twilio writes them.</summary>
    private static DateTimeOffset AsInstant(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(value, TimeSpan.Zero) : new DateTimeOffset(value);

    /// <summary>Twilio's <c>Retry-After</c>, in seconds or as a date (read against the response's own <c>Date</c>).</summary>
    private static TimeSpan? RetryAfter(global::Twilio.Http.Response? response)
    {
        var header = response?.Headers?.RetryAfter;
        TimeSpan? delay = header?.Delta
            ?? (header?.Date is { } until && response!.Headers.Date is { } sentAt ? until - sentAt : null);
        return delay is { } d && d > TimeSpan.Zero ? d : null;
    }
}
