using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Enrollments;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Sms;
using PainPro.Ingestion.Surveys;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Clock;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// Ingestion's parts on a real migrated database (SQLite file or PostgreSQL), without a web host or a bus:
/// messages are applied the way their consumers apply them, texts go through the same inbox as the webhook.
/// </summary>
internal sealed class IngestionHarness : IAsyncDisposable
{
    private readonly TestDatabase<IngestionDb> database;
    private readonly SurveyLinks links;
    private readonly StaticOptionsMonitor<IngestionOptions> monitor;

    private IngestionHarness(TestDatabase<IngestionDb> database, SimulatedClock clock, IngestionOptions options, FacilityContactOptions? contacts)
    {
        this.database = database;
        Clock = clock;
        monitor = new StaticOptionsMonitor<IngestionOptions>(options);
        links = new SurveyLinks(new EphemeralDataProtectionProvider(), Options.Create(new PainProOptions { PublicBaseUrl = "https://painpro.example" }));
        Alerts = new AlertBook(monitor);
        Recorder = new ResponseRecorder(Alerts);
        Contacts = new FacilityContacts(Options.Create(contacts ?? new FacilityContactOptions()));
        Messages = new PatientMessages(Alerts, new StaticOptionsMonitor<PatientMessageOptions>(new PatientMessageOptions()));
        Conversations = new PhoneConversations(Recorder, links, Contacts, Messages, monitor, NullLogger<PhoneConversations>.Instance);
        Sms = new SmsInbox(Db, Conversations, monitor, NullLogger<SmsInbox>.Instance);
        EarlyReplies = new EarlyReplies(Db, Conversations, NullLogger<EarlyReplies>.Instance);
        EnrollmentConsumer = new EnrollmentCreatedConsumer(Db);
        CancellationConsumer = new EnrollmentCancelledConsumer(Db);
        RescheduleConsumer = new EnrollmentRescheduledConsumer(Db);
        SurveyDueConsumer = new SurveyDueConsumer(Db, links, EarlyReplies, NullLogger<SurveyDueConsumer>.Instance);
        SurveyExpiredConsumer = new SurveyExpiredConsumer(Db, Alerts);
        Escalation = new AlertEscalation(Db, monitor, NullLogger<AlertEscalation>.Instance);
    }

    public IngestionDb Db => database.Db;
    public FacilityContacts Contacts { get; }
    public PatientMessages Messages { get; }
    public SimulatedClock Clock { get; }
    public AlertBook Alerts { get; }
    public ResponseRecorder Recorder { get; }
    public PhoneConversations Conversations { get; }
    public SmsInbox Sms { get; }
    public EarlyReplies EarlyReplies { get; }
    public EnrollmentCreatedConsumer EnrollmentConsumer { get; }
    public EnrollmentCancelledConsumer CancellationConsumer { get; }
    public EnrollmentRescheduledConsumer RescheduleConsumer { get; }
    public SurveyDueConsumer SurveyDueConsumer { get; }
    public SurveyExpiredConsumer SurveyExpiredConsumer { get; }
    public AlertEscalation Escalation { get; }

    public static async Task<IngestionHarness> CreateAsync(string provider, IngestionOptions? options = null, FacilityContactOptions? contacts = null)
    {
        var clock = new SimulatedClock();
        var database = await TestDatabase.CreateAsync<IngestionDb>(provider, clock);
        return new IngestionHarness(database, clock, options ?? new IngestionOptions(), contacts);
    }

    /// <summary>Another inbox on this database whose answers go through <paramref name="alerts"/> (e.g. one that fails).</summary>
    public SmsInbox SmsInboxWith(AlertBook alerts) =>
        new(Db, new PhoneConversations(new ResponseRecorder(alerts), links, Contacts,
                new PatientMessages(alerts, new StaticOptionsMonitor<PatientMessageOptions>(new PatientMessageOptions())), monitor,
                NullLogger<PhoneConversations>.Instance), monitor,
            NullLogger<SmsInbox>.Instance);

    public Task ApplyAsync(EnrollmentCreated message) => Db.InTransactionAsync(s => EnrollmentConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(EnrollmentCancelled message) => Db.InTransactionAsync(s => CancellationConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(EnrollmentRescheduled message) => Db.InTransactionAsync(s => RescheduleConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(SurveyDue message) => Db.InTransactionAsync(s => SurveyDueConsumer.ApplyAsync(message, s));

    /// <summary>SurveyDue messages arriving as one batch, as the bus hands them to the consumer.</summary>
    public Task ApplyBatchAsync(params SurveyDue[] messages) => SurveyDueConsumer.ConsumeAsync(messages, CancellationToken.None);

    public Task ApplyAsync(SurveyExpired message) => Db.InTransactionAsync(s => SurveyExpiredConsumer.ApplyAsync(message, s));

    /// <summary>A text from <paramref name="from"/>; returns the reply text, null when the text waits for its survey.</summary>
    public Task<string?> TextAsync(string from, string body, string? messageSid = null) =>
        Sms.ReceiveAsync(new InboundSms(messageSid ?? "SM" + Guid.NewGuid().ToString("N"), from, body), CancellationToken.None);

    /// <summary>Moves the clock past the early-reply hold and runs the due work that answers texts still waiting.</summary>
    public async Task<int> PassTheHoldAsync()
    {
        Clock.Advance(monitor.CurrentValue.Sms.EarlyReplyHold + TimeSpan.FromSeconds(1));
        return await EarlyReplies.RunDueAsync(CancellationToken.None);
    }

    /// <summary>Records answers the way the web form and staff entry do: the survey row locked first, then the answers.</summary>
    public Task<RecordedAnswers> AnswerAsync(Guid surveyId, string source, params Answer[] answers) =>
        AnswerAsync(surveyId, source, answeredAt: null, answers);

    /// <inheritdoc cref="AnswerAsync(Guid, string, Answer[])"/>
    public Task<RecordedAnswers> AnswerAsync(Guid surveyId, string source, DateTimeOffset? answeredAt, params Answer[] answers) =>
        Db.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync("UPDATE surveys SET last_activity_at = @now WHERE id = @surveyId", new { now = Clock.GetUtcNow(), surveyId });
            var survey = await session.QuerySingleOrDefaultAsync<SurveyRecord>(
                $"SELECT {SurveyRecord.Columns} FROM surveys WHERE id = @surveyId", new { surveyId });
            return await Recorder.RecordAsync(session, survey!, answers, source, source == ResponseSources.Staff ? "nurse.jo" : null, answeredAt);
        });

    /// <summary>Every stored version of the survey's answers, in the order they were given.</summary>
    public Task<IReadOnlyList<AnswerVersionRow>> VersionsAsync(Guid surveyId) => Db.ReadAsync(async c =>
        (IReadOnlyList<AnswerVersionRow>)(await c.QueryAsync<AnswerVersionRow>("""
            SELECT item AS Item, value AS Value, source AS Source, answered_at AS AnsweredAt, superseded_at AS SupersededAt
            FROM responses WHERE survey_id = @surveyId
            -- one version's answers share answered_at and their ids are not ordered: the instrument's item order breaks the tie
            ORDER BY answered_at, CASE item WHEN 'vas' THEN 0 ELSE 1 END, id
            """, new { surveyId })).ToList());

    public Task<IReadOnlyList<T>> OutboxAsync<T>() => database.OutboxAsync<T>();

    public Task<IReadOnlyList<AlertRecord>> AlertsAsync(Guid enrollmentId) => Db.ReadAsync(async c =>
        (IReadOnlyList<AlertRecord>)(await c.QueryAsync<AlertRecord>(
            $"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.enrollment_id = @enrollmentId ORDER BY a.raised_at",
            new { enrollmentId })).ToList());

    public Task<IReadOnlyList<AlertEvent>> HistoryAsync(Guid alertId) => Db.ReadAsync(async c =>
        (IReadOnlyList<AlertEvent>)(await c.QueryAsync<AlertEvent>(
            "SELECT alert_id AS AlertId, at AS At, actor AS Actor, action AS Action, survey_id AS SurveyId, severity AS Severity, rules AS Rules, summary AS Summary, outcome AS Outcome, note AS Note FROM alert_events WHERE alert_id = @alertId ORDER BY at, id",
            new { alertId })).ToList());

    public Task<SurveyRecord?> SurveyAsync(Guid surveyId) => Db.ReadAsync(c =>
        c.QuerySingleOrDefaultAsync<SurveyRecord>($"SELECT {SurveyRecord.Columns} FROM surveys WHERE id = @surveyId", new { surveyId }));

    public Task<long> CountAsync(string sqlFromWhere, object? param = null) =>
        Db.ReadAsync(c => c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {sqlFromWhere}", param));

    public ValueTask DisposeAsync() => database.DisposeAsync();
}

/// <summary>One stored version of an answer.</summary>
internal sealed record AnswerVersionRow
{
    public string Item { get; init; } = "";
    public int Value { get; init; }
    public string Source { get; init; } = "";
    public DateTimeOffset AnsweredAt { get; init; }
    public DateTimeOffset? SupersededAt { get; init; }
}

internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
