using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Clock;
using System.Diagnostics;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Scheduling.Dispatch;

/// <summary>
/// The claim loop (DESIGN §7, "the database is the schedule, a loop is the clock"): takes a batch of surveys whose
/// next send is due and publishes a <see cref="SurveyDue"/> for each (attempt 0, then reminders), in the same
/// transaction that marks the survey <c>queued</c> and plans its next send. Whether it was sent is Messaging's to say
/// (<c>SurveySent</c>, <c>SurveyDeferred</c>, <c>SurveyDeliveryFailed</c>): while a send is with Messaging unsettled,
/// the survey's next send waits, so a reminder never overtakes the first text.
/// </summary>
/// <remarks>
/// Claim, publish and status change commit together, so the row locks taken by <c>FOR UPDATE SKIP LOCKED</c> are
/// the lease: while one replica holds a batch the others skip it, and if that replica dies its transaction rolls
/// back and the batch is simply due again. A separate lease column would only be needed if claiming and publishing
/// were split across transactions, which would also split the outbox write from the status change. On SQLite the
/// transaction holds the single write lock, so one writer dispatches at a time.
/// </remarks>
public sealed class DueSurveyClaim(SchedulingDb db, IOptions<SchedulingOptions> options, SurveyLinkTokens tokens, ILogger<DueSurveyClaim> logger) : IDueWork
{
    public string Name => "scheduling: send due surveys";

    // The locked scan returns the survey's own columns: joining its ids back to surveys would read each row twice.
    private string ClaimSql =>
        $"""
        WITH claimed AS (
            SELECT id, enrollment_id, timepoint, instruments, channel, attempts, first_sent_at, closes_at, reminder_minutes, link_token_protected
            FROM surveys{db.Dialect.ClaimHint}
            WHERE next_send_at <= @now AND closes_at > @now AND status NOT IN {SqlDialect.Literals(SurveyStatuses.AwaitingProvider)}
            ORDER BY next_send_at
            {db.Dialect.Limit("@batch")}{db.Dialect.ForUpdateSkipLocked}
        )
        SELECT s.id AS SurveyId, s.enrollment_id AS EnrollmentId, e.patient_id AS PatientId, s.timepoint AS Timepoint,
               s.instruments AS Instruments, s.channel AS Channel, s.attempts AS Attempts, s.first_sent_at AS FirstSentAt,
               s.closes_at AS ClosesAt, s.reminder_minutes AS ReminderMinutes, s.link_token_protected AS LinkToken,
               e.time_zone AS TimeZone, e.send_window_start AS WindowStart, e.send_window_end AS WindowEnd, e.facility AS Facility,
               p.given_name AS GivenName, p.phone AS Phone, p.email AS Email, p.locale AS Locale
        FROM claimed s
        JOIN enrollments e ON e.id = s.enrollment_id
        JOIN patients p ON p.id = e.patient_id
        """;

    public Task<int> RunDueAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var now = session.Clock.GetUtcNow();
        var started = DateTimeOffset.UtcNow;
        var due = (await session.QueryAsync<DueSurvey>(ClaimSql, new { now, batch = options.Value.ClaimBatchSize })).AsList();
        if (due.Count == 0) return 0;

        // A span only for a batch that claimed something (an empty poll each second is no chain), linked to the intakes
        // that scheduled its surveys; the SurveyDue rows it writes carry it, so their sends and openings join its trace.
        var origins = await TraceOrigins.FindAsync(session, PainProActivity.Scheduling, due.Select(d => d.EnrollmentId));
        using var activity = PainProActivity.Scheduling.StartActivity("claim due surveys", ActivityKind.Internal,
            parentContext: default, links: TraceOrigins.Links(origins.Values), startTime: started);
        activity?.SetTag(PainProActivity.Tags.Count, due.Count);

        var sends = new List<(SurveyDue Message, NextSend Next)>(due.Count);
        var deferrals = new List<NextSend>();
        foreach (var survey in due)
        {
            var decision = Decide(survey, tokens, now);
            if (decision.Message is null) deferrals.Add(decision.Next);
            else sends.Add((decision.Message, decision.Next));
        }

        // Set-based: outbox rows, sends recorded and deferrals moved each take a statement per chunk of rows, not one per survey.
        await session.PublishAllAsync(sends.Select(s => s.Message));
        await RecordSendsAsync(session, sends.Select(s => s.Next).ToList());
        await DeferAsync(session, deferrals);
        activity?.SetTag(PainProActivity.Tags.Deferred, deferrals.Count);
        logger.LogInformation("Dispatched {Sent} due surveys ({Deferred} deferred to the send window)", sends.Count, deferrals.Count);
        return due.Count;
    }, ct);

    /// <summary>
    /// What to do with one claimed survey: send it now (a message, and the reminder after it), or, when the patient's
    /// local time is outside the send window, no message and a move to the next opening.
    /// </summary>
    private static (SurveyDue? Message, NextSend Next) Decide(DueSurvey survey, SurveyLinkTokens tokens, DateTimeOffset now)
    {
        var zone = TimeZones.Find(survey.TimeZone)!;
        var window = new SendWindow(survey.WindowStart, survey.WindowEnd);

        // The loop can run late (a paused host, a dev clock jump of days): never text a patient at night because of it.
        var opening = window.NextOpening(now, zone);
        if (opening > now)
            return (null, new NextSend(survey.SurveyId, opening < survey.ClosesAt ? opening : null));

        var message = new SurveyDue(
            survey.SurveyId, survey.EnrollmentId, survey.PatientId, survey.Timepoint,
            SurveyRows.SplitInstruments(survey.Instruments), survey.Channel,
            new Contact(survey.GivenName, survey.Phone, survey.Email), survey.Locale, survey.TimeZone,
            tokens.Reveal(survey.LinkToken), survey.ClosesAt, survey.Attempts, survey.WindowStart, survey.WindowEnd, survey.Facility);
        var reminder = SchedulePlanner.NextReminder(
            survey.FirstSentAt ?? now, SurveyRows.SplitReminders(survey.ReminderMinutes), now, survey.ClosesAt, zone, window);
        return (message, new NextSend(survey.SurveyId, reminder));
    }

    /// <summary>
    /// One statement per chunk for every survey handed to Messaging: it is <c>queued</c> (the row is locked since the
    /// claim read its attempts), its last report is cleared, and its next send is the reminder, if any — planned from
    /// the first real send when there was one, and planned again from <c>SurveySent</c>.
    /// </summary>
    private static async Task RecordSendsAsync(DbSession session, IReadOnlyList<NextSend> sent)
    {
        foreach (var chunk in sent.Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = NextSendTable(session.Dialect, "sends", chunk);
            const string MarkQueued = $"""
                status = '{SurveyStatuses.Queued}', attempts = s.attempts + 1, next_send_at = sends.next_send_at,
                delivery_reason = NULL, delivery_error_code = NULL, next_attempt_at = NULL, delivery_reported_at = NULL
                """;
            // T-SQL updates a join through the alias: UPDATE s SET … FROM surveys AS s JOIN …
            await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? $"WITH {table} UPDATE s SET {MarkQueued} FROM surveys AS s JOIN sends ON s.id = sends.id"
                : $"WITH {table} UPDATE surveys AS s SET {MarkQueued} FROM sends WHERE s.id = sends.id", parameters);
        }
    }

    /// <summary>Moves surveys found due outside their send window to its next opening (or off the queue, if their window closes first).</summary>
    private static async Task DeferAsync(DbSession session, IReadOnlyList<NextSend> deferred)
    {
        foreach (var chunk in deferred.Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = NextSendTable(session.Dialect, "deferrals", chunk);
            await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? $"WITH {table} UPDATE s SET next_send_at = deferrals.next_send_at FROM surveys AS s JOIN deferrals ON s.id = deferrals.id"
                : $"WITH {table} UPDATE surveys AS s SET next_send_at = deferrals.next_send_at FROM deferrals WHERE s.id = deferrals.id", parameters);
        }
    }

    private static (string Table, DynamicParameters Parameters) NextSendTable(SqlDialect dialect, string name, IReadOnlyList<NextSend> rows) =>
        dialect.Rows(name, rows,
            RowColumn.Of<NextSend, Guid>("id", r => r.SurveyId),
            RowColumn.Of<NextSend, DateTimeOffset?>("next_send_at", r => r.At));

    /// <summary>A claimed survey's next send: at <paramref name="At"/>, or none when its window closes first.</summary>
    private readonly record struct NextSend(Guid SurveyId, DateTimeOffset? At);

    private sealed class DueSurvey
    {
        public Guid SurveyId { get; init; }
        public Guid EnrollmentId { get; init; }
        public Guid PatientId { get; init; }
        public string Timepoint { get; init; } = "";
        public string Instruments { get; init; } = "";
        public string Channel { get; init; } = "";
        public int Attempts { get; init; }
        public DateTimeOffset? FirstSentAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public string ReminderMinutes { get; init; } = "";
        public string LinkToken { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public int WindowStart { get; init; }
        public int WindowEnd { get; init; }
        public string? Facility { get; init; }
        public string GivenName { get; init; } = "";
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public string Locale { get; init; } = "en";
    }
}
