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

    private IngestionHarness(TestDatabase<IngestionDb> database, SimulatedClock clock, IngestionOptions options)
    {
        this.database = database;
        Clock = clock;
        monitor = new StaticOptionsMonitor<IngestionOptions>(options);
        links = new SurveyLinks(new EphemeralDataProtectionProvider(), Options.Create(new PainProOptions { PublicBaseUrl = "https://painpro.example" }));
        Alerts = new AlertBook(monitor);
        Recorder = new ResponseRecorder(Alerts);
        Sms = new SmsInbox(Db, Recorder, links, monitor, NullLogger<SmsInbox>.Instance);
        EnrollmentConsumer = new EnrollmentCreatedConsumer(Db);
        CancellationConsumer = new EnrollmentCancelledConsumer(Db);
        RescheduleConsumer = new EnrollmentRescheduledConsumer(Db);
        SurveyDueConsumer = new SurveyDueConsumer(Db, links, NullLogger<SurveyDueConsumer>.Instance);
        SurveyExpiredConsumer = new SurveyExpiredConsumer(Db, Alerts);
        Escalation = new AlertEscalation(Db, monitor, NullLogger<AlertEscalation>.Instance);
    }

    public IngestionDb Db => database.Db;
    public SimulatedClock Clock { get; }
    public AlertBook Alerts { get; }
    public ResponseRecorder Recorder { get; }
    public SmsInbox Sms { get; }
    public EnrollmentCreatedConsumer EnrollmentConsumer { get; }
    public EnrollmentCancelledConsumer CancellationConsumer { get; }
    public EnrollmentRescheduledConsumer RescheduleConsumer { get; }
    public SurveyDueConsumer SurveyDueConsumer { get; }
    public SurveyExpiredConsumer SurveyExpiredConsumer { get; }
    public AlertEscalation Escalation { get; }

    public static async Task<IngestionHarness> CreateAsync(string provider, IngestionOptions? options = null)
    {
        var clock = new SimulatedClock();
        var database = await TestDatabase.CreateAsync<IngestionDb>(provider, clock);
        return new IngestionHarness(database, clock, options ?? new IngestionOptions());
    }

    /// <summary>Another inbox on this database whose answers go through <paramref name="alerts"/> (e.g. one that fails).</summary>
    public SmsInbox SmsInboxWith(AlertBook alerts) =>
        new(Db, new ResponseRecorder(alerts), links, monitor, NullLogger<SmsInbox>.Instance);

    public Task ApplyAsync(EnrollmentCreated message) => Db.InTransactionAsync(s => EnrollmentConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(EnrollmentCancelled message) => Db.InTransactionAsync(s => CancellationConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(EnrollmentRescheduled message) => Db.InTransactionAsync(s => RescheduleConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(SurveyDue message) => Db.InTransactionAsync(s => SurveyDueConsumer.ApplyAsync(message, s));

    public Task ApplyAsync(SurveyExpired message) => Db.InTransactionAsync(s => SurveyExpiredConsumer.ApplyAsync(message, s));

    /// <summary>A text from <paramref name="from"/>; returns the reply text.</summary>
    public Task<string> TextAsync(string from, string body, string? messageSid = null) =>
        Sms.ReceiveAsync(new InboundSms(messageSid ?? "SM" + Guid.NewGuid().ToString("N"), from, body), CancellationToken.None);

    /// <summary>Records answers the way the web form and staff entry do.</summary>
    public Task<RecordedAnswers> AnswerAsync(Guid surveyId, string source, params Answer[] answers) =>
        Db.InTransactionAsync(async session =>
        {
            var survey = await session.QuerySingleOrDefaultAsync<SurveyRecord>(
                $"SELECT {SurveyRecord.Columns} FROM surveys WHERE id = @surveyId", new { surveyId });
            return await Recorder.RecordAsync(session, survey!, answers, source, source == ResponseSources.Staff ? "nurse.jo" : null);
        });

    public Task<IReadOnlyList<T>> OutboxAsync<T>() => database.OutboxAsync<T>();

    public Task<IReadOnlyList<AlertRecord>> AlertsAsync(Guid enrollmentId) => Db.ReadAsync(async c =>
        (IReadOnlyList<AlertRecord>)(await c.QueryAsync<AlertRecord>(
            $"SELECT {AlertRecord.Columns} FROM {AlertRecord.From} WHERE a.enrollment_id = @enrollmentId ORDER BY a.raised_at",
            new { enrollmentId })).ToList());

    public Task<IReadOnlyList<AlertEvent>> HistoryAsync(Guid alertId) => Db.ReadAsync(async c =>
        (IReadOnlyList<AlertEvent>)(await c.QueryAsync<AlertEvent>(
            "SELECT alert_id AS AlertId, at AS At, actor AS Actor, action AS Action, severity AS Severity, rules AS Rules, summary AS Summary FROM alert_events WHERE alert_id = @alertId ORDER BY at, id",
            new { alertId })).ToList());

    public Task<SurveyRecord?> SurveyAsync(Guid surveyId) => Db.ReadAsync(c =>
        c.QuerySingleOrDefaultAsync<SurveyRecord>($"SELECT {SurveyRecord.Columns} FROM surveys WHERE id = @surveyId", new { surveyId }));

    public Task<long> CountAsync(string sqlFromWhere, object? param = null) =>
        Db.ReadAsync(c => c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {sqlFromWhere}", param));

    public ValueTask DisposeAsync() => database.DisposeAsync();
}

internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
