using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Templates;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Clock;
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

    private MessagingFixture(TestDatabase<MessagingDb> database, ManualTimeProvider realTime, SimulatedClock clock)
    {
        Database = database;
        RealTime = realTime;
        Clock = clock;
        LeaseClock = new LeaseClock(realTime);
        Dispatcher = new SurveyDispatcher(Db, new SurveyTemplates("Riverside Orthopaedics"), Sms, Email, InFlight, LeaseClock,
            Options.Create(new PainProOptions { PublicBaseUrl = PublicBaseUrl }), NullLogger<SurveyDispatcher>.Instance);
    }

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

    public static async Task<MessagingFixture> CreateAsync(string provider)
    {
        var realTime = new ManualTimeProvider();
        var clock = new SimulatedClock(realTime);
        return new MessagingFixture(await TestDatabase.CreateAsync<MessagingDb>(provider, clock), realTime, clock);
    }

    public SurveyDue Due(string channel = Channels.Sms, string? phone = "+15551230001", string? email = "ana@example.org",
        int attempt = 0, string locale = "en", Guid? surveyId = null, TimeSpan? expiresIn = null) =>
        new(surveyId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Timepoints.Day3,
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic], channel, new Contact("Ana", phone, email), locale,
            "America/New_York", "tok" + Guid.NewGuid().ToString("N"), Clock.GetUtcNow() + (expiresIn ?? TimeSpan.FromDays(2)), attempt);

    public Task DispatchAsync(SurveyDue due) => Dispatcher.DispatchAsync(due, CancellationToken.None);

    public Task<IReadOnlyList<T>> PublishedAsync<T>() => Database.OutboxAsync<T>();

    public async Task<Delivery> DeliveryAsync(Guid surveyId, int attempt = 0)
    {
        await using var connection = await Db.OpenAsync();
        return await connection.QuerySingleAsync<Delivery>(
            """
            SELECT id AS Id, survey_id AS SurveyId, attempt AS Attempt, channel AS Channel, recipient AS Recipient, status AS Status,
                   claim_id AS ClaimId, provider_message_id AS ProviderMessageId, failure_reason AS FailureReason,
                   provider_error_code AS ProviderErrorCode, resumed AS Resumed
            FROM deliveries WHERE survey_id = @surveyId AND attempt = @attempt
            """, new { surveyId, attempt });
    }

    /// <summary>This process's sweeper; with another <paramref name="inFlight"/>, another replica's, blind to our sends.</summary>
    public StalledDeliverySweeper Sweeper(MessagingOptions? options = null, InFlightSends? inFlight = null) =>
        new(Db, new ServiceCollection().AddSingleton(Dispatcher).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            inFlight ?? InFlight, LeaseClock, Options.Create(options ?? new MessagingOptions()), NullLogger<StalledDeliverySweeper>.Instance);

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
