namespace PainPro.Twilio.Rest;

/// <summary>Sends what the SDK addresses to <c>https://api.twilio.com</c> to the configured origin (and path prefix) instead.</summary>
internal sealed class TwilioOriginHandler(Uri baseUrl) : DelegatingHandler
{
    private const string TwilioApiHost = "api.twilio.com";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri is { } uri && string.Equals(uri.Host, TwilioApiHost, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(baseUrl.Host, TwilioApiHost, StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new UriBuilder(uri)
            {
                Scheme = baseUrl.Scheme,
                Host = baseUrl.Host,
                Port = baseUrl.Port,
                Path = baseUrl.AbsolutePath.TrimEnd('/') + uri.AbsolutePath,
            }.Uri;
        }
        return base.SendAsync(request, ct);
    }
}

/// <summary>
/// Bounds a whole request, body included — the SDK reads the body after the handlers return and has no timeout of its
/// own — and tells the two kinds of lateness apart: its own timeout (<see cref="TwilioTimeoutException"/>, the request may
/// have reached Twilio) and the sockets handler's connect timeout (passed through: nothing left).
/// </summary>
internal sealed class TwilioTimeoutHandler(TimeSpan timeout, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, linked.Token);
            await response.Content.LoadIntoBufferAsync(linked.Token);
            return response;
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            response?.Dispose();
            throw new TwilioTimeoutException(timeout, ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }
}

/// <summary>Twilio did not answer within the request timeout, after the request may have reached it.</summary>
public sealed class TwilioTimeoutException(TimeSpan timeout, Exception inner)
    : TimeoutException($"Twilio did not answer within {timeout.TotalSeconds:0.#} s", inner)
{
    public TimeSpan Timeout { get; } = timeout;
}
