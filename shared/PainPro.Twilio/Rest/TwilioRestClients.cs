using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Twilio.Clients;
using Twilio.Http;

namespace PainPro.Twilio.Rest;

/// <summary>Where Twilio's REST API is and how long to wait for it.</summary>
/// <param name="BaseUrl">Twilio's origin, or a stand-in's (a test double, a proxy): the SDK always asks <c>https://api.twilio.com</c>.</param>
/// <param name="Timeout">The whole request, the response body included. Past it the request may have reached Twilio.</param>
/// <param name="ConnectTimeout">Opening the connection. Past it nothing has left.</param>
public sealed record TwilioApiSettings(Uri BaseUrl, TimeSpan Timeout, TimeSpan ConnectTimeout);

/// <summary>
/// Makes Twilio SDK clients over an <see cref="IHttpClientFactory"/> client (pooled connections, the handlers below),
/// never the SDK's static <c>TwilioClient.Init</c>. A client is a few fields over the pooled handler, so the caller
/// makes one per request: its <see cref="TwilioRestClient.HttpClient"/>'s <c>LastResponse</c> is then that request's
/// own, which is where the HTTP status and <c>Retry-After</c> of a refusal are (an <c>ApiException</c> carries neither
/// when Twilio's answer had no JSON body).
/// </summary>
public sealed class TwilioRestClientFactory(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "twilio";

    public TwilioRestClient Create(string accountSid, string authToken) =>
        new(accountSid, authToken, httpClient: new SystemNetHttpClient(httpClients.CreateClient(HttpClientName)));
}

public static class TwilioRestRegistration
{
    /// <summary>
    /// Registers <see cref="TwilioRestClientFactory"/> and its HTTP pipeline: the origin rewrite to
    /// <see cref="TwilioApiSettings.BaseUrl"/>, the request timeout (on the app's <see cref="TimeProvider"/>), and a
    /// connect timeout on the sockets handler. The SDK never retries, and neither does this pipeline. The factory's
    /// request logging is off: the message-list URL carries the patient's number.
    /// </summary>
    public static IHttpClientBuilder AddTwilioRestClients(this IServiceCollection services, Func<IServiceProvider, TwilioApiSettings> settings)
    {
        services.TryAddSingleton<TwilioRestClientFactory>();
        return services.AddHttpClient(TwilioRestClientFactory.HttpClientName, http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(sp => new TwilioOriginHandler(settings(sp).BaseUrl))
            .AddHttpMessageHandler(sp => new TwilioTimeoutHandler(settings(sp).Timeout, sp.GetService<TimeProvider>() ?? TimeProvider.System))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectTimeout = settings(sp).ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            })
            .RemoveAllLoggers();
    }
}
