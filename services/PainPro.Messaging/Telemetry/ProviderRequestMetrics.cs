using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Messaging.Telemetry;

/// <summary>
/// Times every request to a message provider and records it with its HTTP status code (or the error that left it
/// without one) on <c>painpro.provider.request.duration</c>: Twilio's latency and refusals on the dashboard. The URL is
/// not recorded (a message look-up names the patient's number).
/// </summary>
internal sealed class ProviderRequestMetrics(string provider, PainProMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.ProviderRequest(provider, (int)response.StatusCode, null, Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (Exception ex)
        {
            metrics.ProviderRequest(provider, null, ex is OperationCanceledException ? "timeout" : ex.GetType().Name, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}

internal static class ProviderRequestMetricsRegistration
{
    /// <summary>Adds the timing handler to the named HTTP client that calls <paramref name="provider"/>.</summary>
    public static IServiceCollection AddProviderRequestMetrics(this IServiceCollection services, string httpClientName, string provider)
    {
        services.AddHttpClient(httpClientName).AddHttpMessageHandler(sp => new ProviderRequestMetrics(provider, sp.GetRequiredService<PainProMetrics>()));
        return services;
    }
}
