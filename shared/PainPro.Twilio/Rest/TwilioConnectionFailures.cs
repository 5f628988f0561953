using Twilio.Exceptions;

namespace PainPro.Twilio.Rest;

/// <summary>
/// What an <see cref="ApiConnectionException"/> — the SDK's wrapper of whatever the HTTP pipeline threw — says about the
/// request: certainly not sent, or perhaps sent. The caller may try again only the first (no double text).
/// </summary>
public static class TwilioConnectionFailures
{
    public static bool NothingWasSent(ApiConnectionException failure) => failure.InnerException switch
    {
        // Our request timeout: the request was out, Twilio may have taken it.
        TwilioTimeoutException => false,
        // The sockets handler's ConnectTimeout: a cancellation carrying a TimeoutException, before a connection existed.
        OperationCanceledException { InnerException: TimeoutException } => true,
        // Refused, no such host, TLS failed, proxy refused: all before a byte of the request left.
        HttpRequestException http => http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError,
        _ => false,
    };

    /// <summary>A few words on the failure for logs and delivery records: never the URL, which may carry a patient's number.</summary>
    public static string Describe(ApiConnectionException failure) => failure.InnerException switch
    {
        TwilioTimeoutException timeout => timeout.Message,
        OperationCanceledException { InnerException: TimeoutException } => "No connection to Twilio within the connect timeout",
        HttpRequestException http => $"Connection to Twilio failed: {http.HttpRequestError}",
        { } other => $"Connection to Twilio failed: {other.GetType().Name}",
        null => "Connection to Twilio failed",
    };
}
