using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;
using PainPro.Twilio.Rest;

namespace PainPro.Messaging.Twilio;

public static class TwilioSmsRegistration
{
    /// <summary>SMS through Twilio's SDK, its clients made over the pooled <c>twilio</c> HTTP client (<see cref="TwilioRestClientFactory"/>).</summary>
    public static IServiceCollection AddTwilioSms(this IServiceCollection services)
    {
        services.AddTwilioRestClients(sp =>
        {
            var twilio = sp.GetRequiredService<IOptions<MessagingOptions>>().Value.Twilio;
            return new TwilioApiSettings(new Uri(twilio.BaseUrl), twilio.Timeout, twilio.ConnectTimeout);
        });
        services.AddSingleton<ISmsGateway, TwilioSmsGateway>();
        return services;
    }
}
