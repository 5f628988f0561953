using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.Twilio.Rest;
using PainPro.ServiceDefaults.Messaging;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Messaging.Tests.Support;

/// <summary>
/// A real Messaging host as deployed: its own PostgreSQL database and RabbitMQ virtual host, Twilio pointed at the
/// Twilio double, email through maildev. Tests publish on its bus and watch what it publishes back.
/// </summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> owned;

    private MessagingHost(PainProTestHost host, TwilioDouble twilio, BusWatcher watcher, List<IAsyncDisposable> owned)
    {
        Host = host;
        Twilio = twilio;
        Watcher = watcher;
        this.owned = owned;
    }

    public PainProTestHost Host { get; }
    public TwilioDouble Twilio { get; }
    public BusWatcher Watcher { get; }
    public IBus Bus => Host.Services.GetRequiredService<IBus>();
    public const string Sender = "+15550009999";
    public const string CareTeamEmail = "care-team@riverside.example.org";

    /// <summary>
    /// On RabbitMQ and a database server (production-like: <paramref name="provider"/>, PostgreSQL or SQL Server), or SQLite
    /// and an in-memory bus (AllInOne-like) when <paramref name="embedded"/>.
    /// </summary>
    public static async Task<MessagingHost> StartAsync(bool embedded = false, Action<Dictionary<string, string?>>? configure = null,
        string provider = TestDatabase.Postgres)
    {
        var owned = new List<IAsyncDisposable>();
        var twilio = await TwilioDouble.StartAsync(authToken: PainProTestHost.Configuration.TwilioAuthToken);
        owned.Add(twilio);
        Dictionary<string, string?> config;
        if (embedded)
        {
            config = PainProTestHost.Configuration.Embedded(Path.Combine(Path.GetTempPath(), "painpro-messaging-" + Guid.NewGuid().ToString("N")), simulatedClock: false);
        }
        else
        {
            var database = await TestDatabase.CreateServerAsync(provider)
                ?? throw new ArgumentOutOfRangeException(nameof(provider), provider, "postgres or sqlserver; SQLite is embedded");
            var rabbit = await RabbitMqVirtualHost.CreateAsync();
            owned.Add(rabbit);
            owned.Add(database);
            config = PainProTestHost.Configuration.Production(database.Provider, database.ConnectionString, rabbit.Uri);
        }
        config["PainPro:Messaging:OrganisationName"] = "Riverside Orthopaedics";
        config["PainPro:Messaging:Sms:Provider"] = "twilio";
        config["PainPro:Messaging:Twilio:BaseUrl"] = twilio.BaseUrl;
        config["PainPro:Messaging:Twilio:AccountSid"] = twilio.AccountSid;
        config["PainPro:Messaging:Twilio:From"] = Sender;
        config["PainPro:Messaging:Twilio:RatePerSecond"] = "50";
        config["PainPro:Messaging:Email:Provider"] = "smtp";
        config["PainPro:Messaging:Smtp:Host"] = TestInfrastructure.Smtp.Host;
        config["PainPro:Messaging:Smtp:Port"] = TestInfrastructure.Smtp.Port.ToString();
        config["PainPro:Messaging:Smtp:EnableSsl"] = "false";
        config["PainPro:Messaging:Smtp:From"] = "surveys@riverside.example.org";
        config["PainPro:Messaging:CareTeam:Emails:0"] = CareTeamEmail;
        config["PainPro:Messaging:PortalBaseUrl"] = "https://portal.riverside.example.org";
        // These tests run at any hour on the real clock: quiet hours have their own tests, on a clock that is told the time.
        config["PainPro:Messaging:Delivery:SendWindowStart"] = "00:00";
        config["PainPro:Messaging:Delivery:SendWindowEnd"] = "24:00";
        configure?.Invoke(config);

        var watcher = new BusWatcher();
        var host = await PainProTestHost.StartAsync("messaging", config,
            builder =>
            {
                builder.AddMessaging();
                // Notes the moment each request to Twilio leaves the client, before any network or server delay.
                builder.Services.AddHttpClient(TwilioRestClientFactory.HttpClientName).AddHttpMessageHandler(() => new DepartureRecorder(watcher));
                builder.Services.AddSingleton(watcher);
                builder.AddConsumer<WatchSurveySentConsumer>("watcher");
                builder.AddConsumer<WatchSurveyDeliveryFailedConsumer>("watcher");
            },
            app => app.MapMessaging());
        host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(watcher);
        // Ready means the database answers and every receive endpoint is bound: nothing published from now on is lost.
        using var client = host.CreateClient(withApiKey: false);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, "the messaging host to be ready");
        return new MessagingHost(host, twilio, watcher, owned);
    }

    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Bus.Publish(message, context => { if (messageId is { } id) context.MessageId = id; });

    public static SurveyDue Due(string channel = Channels.Sms, string? phone = null, string? email = null, string locale = "en",
        string givenName = "Ana", int attempt = 0, Guid? surveyId = null) =>
        new(surveyId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Timepoints.Day3,
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic], channel,
            new Contact(givenName, phone ?? RandomPhone(), email ?? Maildev.UniqueAddress()), locale, "America/New_York",
            "tok" + Guid.NewGuid().ToString("N")[..20], DateTimeOffset.UtcNow.AddDays(2), attempt);

    public static string RandomPhone() => "+1555" + Random.Shared.Next(1000000, 9999999);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var resource in owned) await resource.DisposeAsync();
    }
}

/// <summary>What the host published back (heard over the bus), and how many SurveyDue it has finished consuming.</summary>
public sealed class BusWatcher : IConsumeObserver
{
    private int surveyDueConsumed;

    public ConcurrentQueue<SurveySent> Sent { get; } = new();

    /// <summary>When each request to Twilio left the HTTP client (stopwatch time).</summary>
    public ConcurrentQueue<TimeSpan> TwilioDepartures { get; } = new();
    public ConcurrentQueue<SurveyDeliveryFailed> Failed { get; } = new();
    public int SurveyDueConsumed => Volatile.Read(ref surveyDueConsumed);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is SurveyDue) Interlocked.Increment(ref surveyDueConsumed);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public async Task<SurveySent> WaitForSentAsync(Guid surveyId, int attempt = 0, TimeSpan? timeout = null) =>
        (await Eventually.GetAsync(() => Task.FromResult(Sent.FirstOrDefault(s => s.SurveyId == surveyId && s.Attempt == attempt)),
            s => s is not null, $"SurveySent for {surveyId}/{attempt}", timeout))!;

    public async Task<SurveyDeliveryFailed> WaitForFailedAsync(Guid surveyId, int attempt = 0, TimeSpan? timeout = null) =>
        (await Eventually.GetAsync(() => Task.FromResult(Failed.FirstOrDefault(s => s.SurveyId == surveyId && s.Attempt == attempt)),
            s => s is not null, $"SurveyDeliveryFailed for {surveyId}/{attempt}", timeout))!;
}

public sealed class DepartureRecorder(BusWatcher watcher) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        watcher.TwilioDepartures.Enqueue(Stopwatch.GetElapsedTime(0));
        return base.SendAsync(request, ct);
    }
}

public sealed class WatchSurveySentConsumer(BusWatcher watcher) : IConsumer<SurveySent>
{
    public Task Consume(ConsumeContext<SurveySent> context)
    {
        watcher.Sent.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}

public sealed class WatchSurveyDeliveryFailedConsumer(BusWatcher watcher) : IConsumer<SurveyDeliveryFailed>
{
    public Task Consume(ConsumeContext<SurveyDeliveryFailed> context)
    {
        watcher.Failed.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}
