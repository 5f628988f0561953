using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Templates;
using PainPro.ServiceDefaults;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Support;

/// <summary>A migrated Messaging database (SQLite or PostgreSQL) with a dispatcher over fake gateways.</summary>
public sealed class MessagingFixture : IAsyncDisposable
{
    public const string PublicBaseUrl = "https://painpro.example.org";

    private MessagingFixture(TestDatabase<MessagingDb> database, ManualTimeProvider clock)
    {
        Database = database;
        Clock = clock;
        Dispatcher = new SurveyDispatcher(Db, new SurveyTemplates("Riverside Orthopaedics"), Sms, Email, InFlight,
            Options.Create(new PainProOptions { PublicBaseUrl = PublicBaseUrl }), NullLogger<SurveyDispatcher>.Instance);
    }

    public TestDatabase<MessagingDb> Database { get; }
    public MessagingDb Db => Database.Db;
    public ManualTimeProvider Clock { get; }
    public FakeSmsGateway Sms { get; } = new();
    public FakeEmailGateway Email { get; } = new();
    public InFlightSends InFlight { get; } = new();
    public SurveyDispatcher Dispatcher { get; }

    public static async Task<MessagingFixture> CreateAsync(string provider)
    {
        var clock = new ManualTimeProvider();
        return new MessagingFixture(await TestDatabase.CreateAsync<MessagingDb>(provider, clock), clock);
    }

    public SurveyDue Due(string channel = Channels.Sms, string? phone = "+15551230001", string? email = "ana@example.org",
        int attempt = 0, string locale = "en", Guid? surveyId = null, TimeSpan? expiresIn = null) =>
        new(surveyId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Timepoints.Day3,
            [InstrumentCodes.Vas, InstrumentCodes.Analgesic], channel, new Contact("Ana", phone, email), locale,
            "America/New_York", "tok" + Guid.NewGuid().ToString("N"), Clock.GetUtcNow() + (expiresIn ?? TimeSpan.FromDays(2)), attempt);

    public Task DispatchAsync(SurveyDue due, Guid? messageId = null) =>
        Dispatcher.DispatchAsync(due, messageId ?? Guid.NewGuid(), CancellationToken.None);

    public Task<IReadOnlyList<T>> PublishedAsync<T>() => Database.OutboxAsync<T>();

    public async Task<Delivery> DeliveryAsync(Guid surveyId, int attempt = 0)
    {
        await using var connection = await Db.OpenAsync();
        return await connection.QuerySingleAsync<Delivery>(
            """
            SELECT id AS Id, survey_id AS SurveyId, attempt AS Attempt, channel AS Channel, recipient AS Recipient, status AS Status,
                   claim_id AS ClaimId, provider_message_id AS ProviderMessageId, failure_reason AS FailureReason,
                   provider_error_code AS ProviderErrorCode
            FROM deliveries WHERE survey_id = @surveyId AND attempt = @attempt
            """, new { surveyId, attempt });
    }

    public StalledDeliverySweeper Sweeper(MessagingOptions? options = null) =>
        new(Db, InFlight, Options.Create(options ?? new MessagingOptions()), NullLogger<StalledDeliverySweeper>.Instance);

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
