using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>One cluster for the answer-timing checks: Messaging a process texting the Twilio double, RabbitMQ, PostgreSQL.</summary>
public sealed class AnswerTimingCluster : IAsyncLifetime
{
    public FaultCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await FaultCluster.StartAsync(ingestionSettings: new Dictionary<string, string?>
    {
        // The early-reply check pauses Ingestion's bus on purpose; its watchdog must not restart it meanwhile.
        ["PainPro:Bus:ProbeInterval"] = "00:10:00",
    });

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
    }
}

/// <summary>
/// Issue 14's answer-timing rows, end to end on RabbitMQ and PostgreSQL with Messaging as its own process and the
/// Twilio double: a reply that reaches Ingestion before its <see cref="SurveyDue"/> is handled once the survey opens;
/// a patient who answers 9 by text and then 1 on the form (or whose nurse enters another answer) keeps both answers
/// on record and an alert that says what holds now. Counted by id; asserted once every outbox and queue is quiet.
/// </summary>
public class AnswerTimingTests(AnswerTimingCluster fixture) : IClassFixture<AnswerTimingCluster>
{
    private FaultCluster Cluster => fixture.Cluster;

    private static int Patients => Sizes.Full ? 20 : 5;

    [Fact]
    public async Task A_reply_delivered_before_its_SurveyDue_reaches_Ingestion_is_handled_once_the_survey_opens()
    {
        using var entry = Ledger.Open("faults.early-replies", Ledger.Faults,
            $"Replies reaching Ingestion before its SurveyDue ({Patients} patients; Ingestion's bus paused while Messaging texts them)");
        using var webhook = Cluster.WebhookClient();
        var bus = Cluster.Ingestion.Services.GetRequiredService<IBusControl>();

        List<Patient> cohort;
        await bus.StopAsync();
        try
        {
            cohort = [.. await Cluster.EnrollAsync(Patients)];
            await Eventually.TrueAsync(() => Task.FromResult(Cluster.AcceptedTexts(cohort).Count == Patients),
                "every survey texted by Messaging", TimeSpan.FromSeconds(120));
            Assert.Empty(await Cluster.OpenAtIngestionAsync(cohort)); // Ingestion has not had the SurveyDue: the race this row is about

            foreach (var patient in cohort)
            {
                var twiml = await Cluster.ReplyAsync(webhook, patient, "9");
                Assert.True(MessageOf(twiml) is null, $"a reply with no survey open yet was answered '{MessageOf(twiml)}' instead of waiting");
            }
            entry.Count("replies held until their survey opened", await WaitingAsync(cohort));
            Assert.Equal(Patients, await WaitingAsync(cohort));
        }
        finally
        {
            await bus.StartAsync();
        }

        // The survey opens at Ingestion and the held reply is answered as if it had been open all along.
        await Eventually.TrueAsync(async () => (await VasAnswersAsync(cohort)).Count == Patients, "every held reply recorded", TimeSpan.FromSeconds(60));
        foreach (var patient in cohort)
            Assert.Equal(Twiml($"{InstrumentTexts.Recorded(ItemCodes.Analgesic, 2, "en")} {InstrumentTexts.Thanks("en")}"), await Cluster.ReplyAsync(webhook, patient, "2"));
        await QuietAsync();

        var versions = await VasAnswersAsync(cohort);
        Assert.All(cohort, p => Assert.Equal([(9, "sms")], versions[p.Phone]));
        var replies = await Sql.QueryAsync<(string To, string Body, string InReplyTo)>(Cluster.Db, """
            SELECT body::jsonb->>'to', body::jsonb->>'body', body::jsonb->>'inReplyToMessageSid'
            FROM ingestion.outbox WHERE message_type = @type AND sent_at IS NOT NULL
            """, new { type = typeof(SendSmsReply).FullName });
        var byPhone = replies.Where(r => cohort.Any(p => p.Phone == r.To)).GroupBy(r => r.To).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(cohort, p => Assert.Equal([$"{InstrumentTexts.Recorded(ItemCodes.Vas, 9, "en")} {InstrumentTexts.For(ItemCodes.Analgesic, "en").SmsPrompt}"], byPhone[p.Phone].Select(r => r.Body)));
        Assert.Equal(Patients, byPhone.Values.SelectMany(r => r).Select(r => r.InReplyTo).Distinct().Count());
        Assert.Equal(Patients, (await AlertsAsync(cohort)).Count(a => a.Severity == AlertSeverities.High && a.Count == 1));
        Assert.Equal(Patients, await Sql.ScalarAsync<long>(Cluster.Db, """
            SELECT COUNT(*) FROM scheduling.surveys s JOIN scheduling.enrollments e ON e.id = s.enrollment_id
            JOIN scheduling.patients p ON p.id = e.patient_id WHERE s.timepoint = 'day3' AND s.status = 'completed' AND p.phone = ANY(@phones)
            """, new { phones = cohort.Select(p => p.Phone).ToArray() }));
        entry.Count("held replies recorded once", versions.Count(v => v.Value.Count == 1))
            .Count("late replies published once (SendSmsReply)", byPhone.Count(r => r.Value.Count == 1))
            .Count("alerts raised once", Patients);

        // Messaging texts the late reply (SendSmsReply has its consumer there): the patient gets it, once.
        if (MessagingConsumesSendSmsReply)
        {
            await Eventually.TrueAsync(() => Task.FromResult(cohort.All(p => TextsTo(p).Count == 2)), "every late reply texted", TimeSpan.FromSeconds(60));
            Assert.All(cohort, p => Assert.Equal($"{InstrumentTexts.Recorded(ItemCodes.Vas, 9, "en")} {InstrumentTexts.For(ItemCodes.Analgesic, "en").SmsPrompt}", TextsTo(p)[1]));
            entry.Count("late replies texted once", cohort.Count(p => TextsTo(p).Count == 2));
        }
        else
        {
            entry.Finding("Messaging in this build has no SendSmsReply consumer: the late replies were checked as published, not as texted");
        }
        Cluster.AssertNoPatientDetailsLogged(cohort);
        await Queues.AssertNoErrorQueueHoldsMessagesAsync(Cluster);
        entry.Pass();
    }

    [Fact]
    public async Task Sms_9_then_web_1_keeps_both_answers_and_the_alert_follows_and_a_nurse_s_revision_likewise()
    {
        using var entry = Ledger.Open("faults.revised-answers", Ledger.Faults,
            $"Answers revised after an SMS alert: {Patients} patients text 9 then answer 1 on the form, {Patients} have a nurse enter 5");
        using var webhook = Cluster.WebhookClient();
        var cohort = await Cluster.EnrollAsync(2 * Patients);
        var repliers = await Cluster.WaitForRepliersAsync(cohort, 2 * Patients);
        await FaultCluster.ForEachAsync(repliers, 8, async p =>
        {
            await Cluster.ReplyAsync(webhook, p, "9");
            await Cluster.ReplyAsync(webhook, p, "more");
        });
        await Eventually.TrueAsync(async () => (await AlertsAsync(repliers)).Count(a => a.Status == "open" && a.Severity == AlertSeverities.High) == repliers.Count,
            "a high alert for every patient", TimeSpan.FromSeconds(60));
        var (byForm, byNurse) = (repliers.Take(Patients).ToList(), repliers.Skip(Patients).ToList());

        foreach (var patient in byForm)
            await AnswerOnTheFormAsync(patient, new() { ["vas"] = "1", ["analgesic"] = "1" });
        using var ingestion = Cluster.Ingestion.CreateClient();
        ingestion.DefaultRequestHeaders.Add("X-PainPro-Acting-User", "nurse.e2e");
        foreach (var patient in byNurse)
        {
            var surveyId = await SurveyIdAsync(patient);
            using var entered = await ingestion.PostAsJsonAsync($"/api/surveys/{surveyId}/responses", new { answers = new[] { new { item = "vas", value = 5 } } });
            Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        }
        await QuietAsync();

        // Every answer is on the public API, the revised ones with supersededAt; the alert follows the current answers.
        var alerts = (await AlertsAsync(repliers)).ToDictionary(a => a.Phone);
        var kept = 0;
        foreach (var patient in repliers)
        {
            var enrollmentId = await EnrollmentIdAsync(patient);
            var responses = JsonNode.Parse(await ingestion.GetStringAsync($"/api/enrollments/{enrollmentId}/responses"))!.AsArray()
                .Select(r => (Item: r!["item"]!.GetValue<string>(), Value: r["value"]!.GetValue<int>(), Source: r["source"]!.GetValue<string>(),
                    Superseded: r["supersededAt"] is not null))
                .ToList();
            kept += responses.Count;
            var alert = alerts[patient.Phone];
            Assert.Equal(1, alert.Count);
            var detail = JsonNode.Parse(await ingestion.GetStringAsync($"/api/alerts/{alert.AlertId}"))!;
            var last = detail["history"]!.AsArray().Last()!;
            if (byForm.Contains(patient))
            {
                Assert.Equal([("vas", 9, "sms", true), ("analgesic", 3, "sms", true), ("analgesic", 1, "web", false), ("vas", 1, "web", false)], responses);
                Assert.Equal(("resolved", "system", "answer-revised"), (alert.Status, alert.ResolvedBy, alert.Outcome));
                Assert.Equal("patient revised day-3 pain 9 → 1, pain medicine more → less on the web form; no rule fires", last["note"]!.GetValue<string>());
            }
            else
            {
                Assert.Equal([("vas", 9, "sms", true), ("analgesic", 3, "sms", false), ("vas", 5, "staff", false)], responses);
                Assert.Equal(("open", AlertSeverities.Medium), (alert.Status, alert.Severity));
                Assert.Equal("nurse.e2e (staff) revised day-3 pain 9 → 5; now no-relief, analgesic-escalation (medium)", last["note"]!.GetValue<string>());
            }
        }

        // Better news told nobody again: one care-team notice per alert; the system's resolutions were published.
        // Notices leave on the care-team job's next run (a Hangfire recurring job): wait for them, then count.
        async Task<IReadOnlyList<(Guid AlertId, long Count)>> SentNoticesAsync() => (await Sql.QueryAsync<(Guid AlertId, long Count)>(Cluster.Db,
            "SELECT alert_id, COUNT(*) FROM messaging.care_team_notifications WHERE alert_id = ANY(@ids) AND status = 'sent' GROUP BY alert_id",
            new { ids = alerts.Values.Select(a => a.AlertId).ToArray() })).ToList();
        await Eventually.TrueAsync(async () => (await SentNoticesAsync()).Count >= repliers.Count, "a care-team notice sent for every alert", TimeSpan.FromSeconds(60));
        var notices = await SentNoticesAsync();
        Assert.Equal(repliers.Count, notices.Count(n => n.Count == 1));
        var resolved = await Sql.QueryAsync<Guid>(Cluster.Db, """
            SELECT (body::jsonb->>'alertId')::uuid FROM ingestion.outbox
            WHERE message_type = @type AND sent_at IS NOT NULL AND body::jsonb->>'by' = 'system'
            """, new { type = typeof(AlertResolved).FullName });
        Assert.Equal(byForm.Select(p => alerts[p.Phone].AlertId).Order(), resolved.Where(id => alerts.Values.Any(a => a.AlertId == id)).Order());
        Cluster.AssertNoPatientDetailsLogged(cohort);
        await Queues.AssertNoErrorQueueHoldsMessagesAsync(Cluster);
        entry.Count("patients revising on the form", byForm.Count)
            .Count("patients revised by a nurse", byNurse.Count)
            .Count("answers kept, earlier versions included", kept)
            .Count("alerts resolved by the system", resolved.Count(id => alerts.Values.Any(a => a.AlertId == id)))
            .Count("alerts lowered to medium", alerts.Values.Count(a => a.Status == "open" && a.Severity == AlertSeverities.Medium))
            .Count("care-team notices, one per alert", notices.Count(n => n.Count == 1))
            .Pass();
    }

    private static bool MessagingConsumesSendSmsReply { get; } = typeof(PainPro.Messaging.MessagingExtensions).Assembly.GetTypes()
        .Any(t => !t.IsAbstract && typeof(IConsumer<SendSmsReply>).IsAssignableFrom(t));

    /// <summary>The patient opens the survey link (as from an email or the text that closes the conversation) and submits the form.</summary>
    private async Task AnswerOnTheFormAsync(Patient patient, Dictionary<string, string> answers)
    {
        var protectedToken = await Sql.ScalarAsync<string>(Cluster.Db,
            "SELECT token_protected FROM ingestion.surveys WHERE phone = @Phone AND timepoint = 'day3'", new { patient.Phone });
        var link = Cluster.Ingestion.Services.GetRequiredService<SurveyLinks>().LinkFor(protectedToken)
            ?? throw new InvalidOperationException("The survey's link cannot be recovered.");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { Timeout = TimeSpan.FromSeconds(30) };
        var form = await browser.GetStringAsync(link);
        var token = WebUtility.HtmlDecode(SystemUnderTest.AntiforgeryField().Match(form).Groups[1].Value);
        using var submitted = await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>(answers) { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
    }

    /// <summary>Every outbox published and every queue of the cluster drained: nothing more is on its way.</summary>
    private async Task QuietAsync() =>
        await Eventually.TrueAsync(async () =>
            await Sql.ScalarAsync<long>(Cluster.Db, """
                SELECT (SELECT COUNT(*) FROM scheduling.outbox WHERE sent_at IS NULL) + (SELECT COUNT(*) FROM messaging.outbox WHERE sent_at IS NULL)
                     + (SELECT COUNT(*) FROM ingestion.outbox WHERE sent_at IS NULL)
                     + (SELECT COUNT(*) FROM ingestion.inbound_sms WHERE handled_at IS NULL)
                """) == 0
            && (await Queues.ListAsync(Cluster)).All(q => q.Messages == 0),
            "every outbox published, every text handled and every queue drained", TimeSpan.FromSeconds(90));

    private Task<long> WaitingAsync(IEnumerable<Patient> cohort) => Sql.ScalarAsync<long>(Cluster.Db,
        "SELECT COUNT(*) FROM ingestion.inbound_sms WHERE outcome = 'Waiting' AND from_phone = ANY(@phones)",
        new { phones = cohort.Select(p => p.Phone).ToArray() });

    private async Task<Dictionary<string, List<(int Value, string Source)>>> VasAnswersAsync(IEnumerable<Patient> cohort) =>
        (await Sql.QueryAsync<(string Phone, int Value, string Source)>(Cluster.Db, """
            SELECT s.phone, r.value, r.source FROM ingestion.responses r JOIN ingestion.surveys s ON s.id = r.survey_id
            WHERE r.item = 'vas' AND s.phone = ANY(@phones)
            """, new { phones = cohort.Select(p => p.Phone).ToArray() }))
        .GroupBy(r => r.Phone).ToDictionary(g => g.Key, g => g.Select(r => (r.Value, r.Source)).ToList());

    private sealed record AlertRow(string Phone, Guid AlertId, string Status, string Severity, string? ResolvedBy, string? Outcome, long Count);

    private async Task<IReadOnlyList<AlertRow>> AlertsAsync(IEnumerable<Patient> cohort) =>
        await Sql.QueryAsync<AlertRow>(Cluster.Db, """
            SELECT s.phone AS Phone, MIN(a.id::text)::uuid AS AlertId, MIN(a.status) AS Status, MIN(a.severity) AS Severity,
                   MIN(a.resolved_by) AS ResolvedBy, MIN(a.outcome) AS Outcome, COUNT(*) AS Count
            FROM ingestion.alerts a JOIN ingestion.surveys s ON s.enrollment_id = a.enrollment_id AND s.timepoint = 'day3'
            WHERE s.phone = ANY(@phones) GROUP BY s.phone
            """, new { phones = cohort.Select(p => p.Phone).ToArray() });

    private Task<Guid> SurveyIdAsync(Patient patient) => Sql.ScalarAsync<Guid>(Cluster.Db,
        "SELECT id FROM ingestion.surveys WHERE phone = @Phone AND timepoint = 'day3'", new { patient.Phone });

    private Task<Guid> EnrollmentIdAsync(Patient patient) => Sql.ScalarAsync<Guid>(Cluster.Db,
        "SELECT enrollment_id FROM ingestion.surveys WHERE phone = @Phone AND timepoint = 'day3'", new { patient.Phone });

    private List<string> TextsTo(Patient patient) =>
        [.. Cluster.Twilio.AcceptedMessages.Where(m => m.To == patient.Phone).OrderBy(m => m.ReceivedAt).Select(m => m.Body ?? "")];

    private static string? MessageOf(string twiml) => System.Xml.Linq.XElement.Parse(twiml).Element("Message")?.Value;

    private static string Twiml(string message) => PainPro.Ingestion.Sms.TwiML.Reply(message);
}
