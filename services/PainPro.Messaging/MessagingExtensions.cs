using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.CareTeam;
using PainPro.Messaging.Dev;
using PainPro.Messaging.Email;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.RateLimiting;
using PainPro.Messaging.Replies;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Suppression;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Telemetry;
using PainPro.Messaging.Templates;
using PainPro.Messaging.Twilio;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Jobs;
using PainPro.ServiceDefaults.Messaging;
using PainPro.ServiceDefaults.OpenApi;

namespace PainPro.Messaging;

public static class MessagingExtensions
{
    private const string Service = "messaging";

    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<MessagingDb>();
        builder.AddPainProOpenApi("PainPro Messaging",
            "Sends surveys and replies by SMS (Twilio) and email; reports its senders' state and the care-team recipients, and takes Twilio's delivery status callbacks.");

        var painPro = builder.Configuration.GetSection(PainProOptions.Section).Get<PainProOptions>() ?? new PainProOptions();
        var section = builder.Configuration.GetSection(MessagingOptions.Section);
        builder.AddValidatedOptions<MessagingOptions, MessagingOptionsValidator>(MessagingOptions.Section)
            .PostConfigure(o =>
            {
                o.Sms.Provider = ResolveProvider(o.Sms.Provider, painPro.Dev.Enabled, Providers.Twilio);
                o.Email.Provider = ResolveProvider(o.Email.Provider, painPro.Dev.Enabled, Providers.Smtp);
                o.PortalBaseUrl ??= painPro.PublicBaseUrl;
            });

        var messaging = section.Get<MessagingOptions>() ?? new MessagingOptions();
        var smsProvider = ResolveProvider(messaging.Sms.Provider, painPro.Dev.Enabled, Providers.Twilio);
        var emailProvider = ResolveProvider(messaging.Email.Provider, painPro.Dev.Enabled, Providers.Smtp);

        // The dev outbox exists in dev mode (so /dev/outbox answers) and wherever a dev gateway records to it.
        if (painPro.Dev.Enabled || smsProvider == Providers.Dev || emailProvider == Providers.Dev)
            builder.Services.AddSingleton<DevOutbox>();

        if (smsProvider == Providers.Twilio)
        {
            builder.Services.AddTwilioSms();
            builder.Services.AddProviderRequestMetrics(PainPro.Twilio.Rest.TwilioRestClientFactory.HttpClientName, "twilio");
        }
        else builder.Services.AddSingleton<ISmsGateway, DevSmsGateway>();

        if (emailProvider == Providers.Smtp) builder.Services.AddSmtpEmail();
        else builder.Services.AddSingleton<IEmailGateway, DevEmailGateway>();

        builder.Services.AddSingleton(sp => new SurveyTemplates(sp.GetRequiredService<IOptions<MessagingOptions>>().Value.OrganisationName));
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MessagingOptions>>().Value;
            return new CareTeamTemplates(o.OrganisationName, o.PortalBaseUrl!);
        });
        builder.Services.AddSingleton<SenderRateLimits>();
        builder.Services.AddSingleton<InFlightSends>();
        builder.Services.AddSingleton(new LeaseClock(TimeProvider.System));
        builder.Services.AddSingleton<QuietHours>();
        builder.Services.AddSingleton<SenderStates>();
        builder.Services.AddSingleton(sp => new BackgroundSends(
            Math.Max(1, sp.GetRequiredService<IOptions<MessagingOptions>>().Value.Delivery.DeferredSendConcurrency),
            sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping, sp.GetRequiredService<ILogger<BackgroundSends>>()));
        builder.Services.AddTransient<SurveyDispatcher>();
        builder.Services.AddTransient<SmsReplySender>();
        builder.Services.AddHealthChecks().AddCheck<SenderHealthCheck>("provider-senders", tags: ["ready"])
            .AddCheck<CareTeamHealthCheck>("care-team", tags: ["ready"]);

        // Named SurveyDueConsumer when its queue was first declared (Ingestion's consumer of SurveyDue keeps that name).
        // A batch at a time: a batch of 50 costs a read, a claim and an outcome transaction (without a rate limit). At
        // the default 1 text/s a batch takes long — 200 messages in flight is 200 s, far inside RabbitMQ's 30-minute
        // consumer timeout — and each of its claims is taken in its turn, so none waits out its lease.
        builder.AddConsumer<SurveySendConsumer>(Service, queue: "messaging-survey-due",
            batch: new ConsumerBatch(MessageLimit: 50, TimeLimit: TimeSpan.FromMilliseconds(20), ConcurrencyLimit: 4));
        builder.AddConsumer<SendSmsReplyConsumer>(Service);
        builder.AddConsumer<PatientOptedOutConsumer>(Service);
        builder.AddConsumer<PatientOptedInConsumer>(Service);
        // One alert per reply that raises one: a batch commits once for up to fifty.
        builder.AddConsumer<PainAlertRaisedConsumer>(Service,
            batch: new ConsumerBatch(MessageLimit: 50, TimeLimit: TimeSpan.FromMilliseconds(20), ConcurrencyLimit: 2));

        builder.AddDueWork<StalledDeliverySweeper>(Service, "resume-stalled-sends", DueWorkPace.Sweep);
        builder.AddDueWork<DeferredSurveySends>(Service, "send-deferred-surveys");
        builder.AddDueWork<DeferredReplySends>(Service, "send-deferred-replies");
        builder.AddDueWork<CareTeamNotificationWork>(Service, "notify-care-team", DueWorkPace.Sweep);
        return builder;
    }

    public static WebApplication MapMessaging(this WebApplication app)
    {
        app.MapPainProOpenApi();
        app.MapTwilioStatusWebhook();
        app.MapSenders();
        app.MapCareTeamRecipients();
        if (app.Services.GetRequiredService<IOptions<PainProOptions>>().Value.Dev.Enabled) app.MapDevOutbox();
        return app;
    }

    private static string ResolveProvider(string? configured, bool devMode, string real) =>
        string.IsNullOrWhiteSpace(configured) ? (devMode ? Providers.Dev : real) : configured.Trim().ToLowerInvariant();
}

/// <summary>Fails start-up with a clear message when a configured provider lacks what it needs.</summary>
internal sealed class MessagingOptionsValidator(IOptions<PainProOptions> painPro) : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        var errors = new List<string>();
        switch (options.Sms.Provider)
        {
            case Providers.Dev: break;
            case Providers.Twilio:
                if (string.IsNullOrWhiteSpace(options.Twilio.AccountSid ?? painPro.Value.Twilio.AccountSid))
                    errors.Add("PainPro:Messaging:Twilio:AccountSid (or PainPro:Twilio:AccountSid) is required for the twilio SMS provider.");
                if (string.IsNullOrWhiteSpace(options.Twilio.From) && string.IsNullOrWhiteSpace(options.Twilio.MessagingServiceSid))
                    errors.Add("PainPro:Messaging:Twilio:From or MessagingServiceSid is required for the twilio SMS provider.");
                if (string.IsNullOrWhiteSpace(painPro.Value.Twilio.AuthToken) && !painPro.Value.Dev.Enabled)
                    errors.Add("PainPro:Twilio:AuthToken is required for the twilio SMS provider.");
                if (!Uri.TryCreate(options.Twilio.BaseUrl, UriKind.Absolute, out _))
                    errors.Add("PainPro:Messaging:Twilio:BaseUrl must be an absolute URL.");
                if (options.Twilio.Timeout <= TimeSpan.Zero) errors.Add("PainPro:Messaging:Twilio:Timeout must be positive.");
                if (options.Twilio.ConnectTimeout <= TimeSpan.Zero) errors.Add("PainPro:Messaging:Twilio:ConnectTimeout must be positive.");
                break;
            default:
                errors.Add($"PainPro:Messaging:Sms:Provider '{options.Sms.Provider}' is not supported; use 'dev' or 'twilio'.");
                break;
        }
        switch (options.Email.Provider)
        {
            case Providers.Dev: break;
            case Providers.Smtp:
                if (string.IsNullOrWhiteSpace(options.Smtp.Host)) errors.Add("PainPro:Messaging:Smtp:Host is required for the smtp email provider.");
                if (string.IsNullOrWhiteSpace(options.Smtp.From)) errors.Add("PainPro:Messaging:Smtp:From is required for the smtp email provider.");
                if (options.Smtp.Port is <= 0 or > 65535) errors.Add("PainPro:Messaging:Smtp:Port must be a TCP port.");
                if (options.Smtp.Timeout <= TimeSpan.Zero || options.Smtp.IdleTimeout <= TimeSpan.Zero)
                    errors.Add("PainPro:Messaging:Smtp:Timeout and IdleTimeout must be positive.");
                if (options.Smtp.MaxConnections < 1 || options.Smtp.MaxMessagesPerConnection < 1)
                    errors.Add("PainPro:Messaging:Smtp:MaxConnections and MaxMessagesPerConnection must be at least 1.");
                break;
            default:
                errors.Add($"PainPro:Messaging:Email:Provider '{options.Email.Provider}' is not supported; use 'dev' or 'smtp'.");
                break;
        }
        var delivery = options.Delivery;
        if (!QuietHours.TryParseWindow(delivery.SendWindowStart, delivery.SendWindowEnd, out _, out var windowError))
            errors.Add($"PainPro:Messaging:Delivery:SendWindowStart/SendWindowEnd: {windowError}");
        if (delivery.FirstRetryDelay <= TimeSpan.Zero || delivery.MaxRetryDelay < delivery.FirstRetryDelay)
            errors.Add("PainPro:Messaging:Delivery:FirstRetryDelay must be positive and MaxRetryDelay at least as long.");
        if (delivery.ProbeInterval <= TimeSpan.Zero) errors.Add("PainPro:Messaging:Delivery:ProbeInterval must be positive.");
        if (delivery.ReplyWindow <= TimeSpan.Zero) errors.Add("PainPro:Messaging:Delivery:ReplyWindow must be positive.");
        if (AlertSeverities.Rank(options.CareTeam.MinimumSeverity) == 0)
            errors.Add("PainPro:Messaging:CareTeam:MinimumSeverity must be low, medium or high.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
