using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Replies;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Templates;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Facilities;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Support;

/// <summary>
/// A migrated Messaging database (SQLite or PostgreSQL) with a dispatcher over fake gateways. Time is as in dev:
/// <see cref="RealTime"/> passes only when told, and the business <see cref="Clock"/> is a dev clock over it that
/// can also jump ahead on its own.
/// </summary>
public sealed class MessagingFixture : IAsyncDisposable
{
    public const string PublicBaseUrl = "https://painpro.example.org";

    private MessagingFixture(TestDatabase<MessagingDb> database, ManualTimeProvider realTime, SimulatedClock clock, MessagingOptions options)
    {
        Database = database;
        RealTime = realTime;
        Clock = clock;
        Options = options;
        LeaseClock = new LeaseClock(realTime);
        var messaging = Microsoft.Extensions.Options.Options.Create(options);
        Senders = new SenderStates(Db, messaging, LoggerFactory.Create(b => b.AddProvider(Logs)).CreateLogger<SenderStates>());
        Dispatcher = new SurveyDispatcher(Db, new SurveyTemplates("Riverside Orthopaedics"), Sms, Email, InFlight, LeaseClock,
            new QuietHours(messaging), Senders, Facilities, Microsoft.Extensions.Options.Options.Create(new PainProOptions { PublicBaseUrl = PublicBaseUrl }),
            messaging, NullLogger<SurveyDispatcher>.Instance);
        Replies = new SmsReplySender(Db, Sms, Senders, InFlight, LeaseClock, messaging, NullLogger<SmsReplySender>.Instance);
        var scopes = new ServiceCollection().AddSingleton(Dispatcher).AddSingleton(Replies).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        DeferredSends = new DeferredSurveySends(Db, scopes, Background, Senders, NullLogger<DeferredSurveySends>.Instance);
        DeferredReplies = new DeferredReplySends(Db, scopes, Background, InFlight, LeaseClock, Senders, messaging);
    }

    /// <summary>The facility directory the fixture's dispatcher names facilities from: Riverside, with its care-team phone.</summary>
    public static FacilityDirectory Facilities { get; } = new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["PainPro:Facilities:Riverside:DisplayName"] = "Riverside Orthopaedics",
        ["PainPro:Facilities:Riverside:CareTeamPhone"] = "555-010-0200",
    }).Build());

    /// <summary>Messaging's options as the fixture runs them (change before the first send).</summary>
    public MessagingOptions Options { get; }
    /// <summary>Everything Messaging's sender-state logic logged (Error per change of state, …).</summary>
    public CapturedLogs Logs { get; } = new("messaging");
    public SenderStates Senders { get; }
    public SmsReplySender Replies { get; }
    public BackgroundSends Background { get; } = new(4, CancellationToken.None, NullLogger<BackgroundSends>.Instance);
    public DeferredSurveySends DeferredSends { get; }
    public DeferredReplySends DeferredReplies { get; }

    public TestDatabase<MessagingDb> Database { get; }
    public MessagingDb Db => Database.Db;
    /// <summary>The system time; advancing it moves <see cref="Clock"/> too.</summary>
    public ManualTimeProvider RealTime { get; }
    /// <summary>The business clock; <see cref="SimulatedClock.Advance"/> is a dev clock jump, no real time passes.</summary>
    public SimulatedClock Clock { get; }
    public LeaseClock LeaseClock { get; }
    public FakeSmsGateway Sms { get; } = new();
    public FakeEmailGateway Email { get; } = new();
    public InFlightSends InFlight { get; } = new();
    public SurveyDispatcher Dispatcher { get; }

    /// <summary>A fixture whose clocks start at <paramref name="start"/> (default 2026-11-20 12:00 UTC, a weekday noon in London).</summary>
    public static async Task<MessagingFixture> CreateAsync(string provider, DateTimeOffset? start = null, Action<MessagingOptions>? configure = null)
    {
        var realTime = new ManualTimeProvider(start);
        var clock = new SimulatedClock(realTime);
        var options = new MessagingOptions { Delivery = { FirstRetryDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromMinutes(1) } };
        configure?.Invoke(options);
        return new MessagingFixture(await TestDatabase.CreateAsync<MessagingDb>(provider, clock), realTime, clock, options);
    }

    /// <summary>A survey due now for a patient in London (inside 09:00–19:00 at the fixture's default start), no window of its own.</summary>
    public SurveyDue Due(string channel = Channels.Sms, string? phone = "+15551230001", string? email = "ana@example.org",
        int attempt = 0, string locale = "en", Guid? surveyId = null, TimeSpan? expiresIn = null, string timeZone = "Europe/London") =>
        new(surveyId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Timepoints.Day3,
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic], channel, new Contact("Ana", phone, email), locale,
            timeZone, "tok" + Guid.NewGuid().ToString("N"), Clock.GetUtcNow() + (expiresIn ?? TimeSpan.FromDays(2)), attempt);

    public Task DispatchAsync(SurveyDue due) => Dispatcher.DispatchAsync(due, CancellationToken.None);

    /// <summary>Dispatches the surveys as the bus hands over one batch of them.</summary>
    public Task DispatchBatchAsync(params SurveyDue[] batch) =>
        Dispatcher.DispatchAllAsync(batch.Select(due => new DueSurvey(due)).ToList(), CancellationToken.None);

    /// <summary>Runs the deferred-send loops once and waits for the sends they started.</summary>
    public async Task<int> RunDeferredAsync()
    {
        var handled = await DeferredSends.RunDueAsync(CancellationToken.None) + await DeferredReplies.RunDueAsync(CancellationToken.None);
        await Background.IdleAsync();
        return handled;
    }

    /// <summary>Moves both clocks forward (real time passes) and runs the deferred-send loops.</summary>
    public async Task<int> PassAsync(TimeSpan time)
    {
        RealTime.Advance(time);
        return await RunDeferredAsync();
    }

    public Task<IReadOnlyList<T>> PublishedAsync<T>() => Database.OutboxAsync<T>();

    public async Task<Delivery> DeliveryAsync(Guid surveyId, int attempt = 0)
    {
        await using var connection = await Db.OpenAsync();
        return await connection.QuerySingleAsync<Delivery>(
            """
            SELECT id AS Id, survey_id AS SurveyId, attempt AS Attempt, channel AS Channel, recipient AS Recipient, status AS Status,
                   claim_id AS ClaimId, provider_message_id AS ProviderMessageId, failure_reason AS FailureReason,
                   provider_error_code AS ProviderErrorCode, resumed AS Resumed, request AS Request,
                   next_attempt_at AS NextAttemptAt, defer_reason AS DeferReason, deferrals AS Deferrals
            FROM deliveries WHERE survey_id = @surveyId AND attempt = @attempt
            """, new { surveyId, attempt });
    }

    /// <summary>This process's sweeper; with another <paramref name="inFlight"/>, another replica's, blind to our sends.</summary>
    public StalledDeliverySweeper Sweeper(MessagingOptions? options = null, InFlightSends? inFlight = null) =>
        new(Db, new ServiceCollection().AddSingleton(Dispatcher).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            inFlight ?? InFlight, LeaseClock, Microsoft.Extensions.Options.Options.Create(options ?? Options), NullLogger<StalledDeliverySweeper>.Instance);

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
