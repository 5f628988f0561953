using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;

namespace PainPro.Messaging.Email;

public static class SmtpEmailRegistration
{
    /// <summary>Email over SMTP with MailKit, on sessions pooled per process (<see cref="SmtpConnectionPool"/>).</summary>
    public static IServiceCollection AddSmtpEmail(this IServiceCollection services)
    {
        // Idle sessions age in real time: the business clock may be the dev clock, which jumps days at once.
        services.AddSingleton(sp => new SmtpConnectionPool(sp.GetRequiredService<IOptions<MessagingOptions>>(), TimeProvider.System,
            sp.GetRequiredService<ILogger<SmtpConnectionPool>>()));
        services.AddSingleton<IEmailGateway, SmtpEmailGateway>();
        return services;
    }
}
