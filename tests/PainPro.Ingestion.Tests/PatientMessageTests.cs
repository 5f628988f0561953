using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Sms;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The <c>patient-message</c> rule (issue 20) on a real database: a text that is neither an answer nor a keyword is put
/// in front of a person — marked for the Portal's lists and raised as (or added to) the enrollment's alert, high with an
/// urgency word — and the patient is asked again and told how to reach the facility's care team.
/// </summary>
public sealed class PatientMessageTests
{
    private const string Phone = "+15551230001";

    private static readonly FacilityContactOptions Contacts = new()
    {
        CareTeamPhone = "555-010-0200",
        Facilities = { ["North Clinic"] = new FacilityContact { CareTeamPhone = "555-010-0999" }, ["Madrid"] = new FacilityContact { Country = "ES" } },
    };

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_plea_for_help_is_asked_again_names_the_care_teams_phone_and_raises_a_high_patient_message_alert(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        var (enrollment, due) = await OpenDay3Async(h);

        var reply = await h.TextAsync(Phone, "7 please call me", "SM-plea");

        Assert.Equal(InstrumentTexts.NotAnAnswer(ItemCodes.Vas, "en", new CareContact("555-010-0200", "911")), reply);
        Assert.Null((await h.SurveyAsync(due.SurveyId))!.Vas); // never guessed
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal([AlertRules.PatientMessage], alert.Rules);
        Assert.Equal((AlertSeverities.High, "Patient wrote: “7 please call me” (urgent: call me)"), (alert.Severity, alert.Summary));
        var raised = Assert.Single(await h.OutboxAsync<PainAlertRaised>());
        Assert.Equal((alert.Id, AlertSeverities.High), (raised.AlertId, raised.Severity));
        var text = await StaffRowAsync(h, "SM-plea");
        Assert.Equal((PatientMessageKinds.Message, "call me", enrollment.EnrollmentId, alert.Id), (text.ForStaff, text.UrgentWords, text.EnrollmentId, text.AlertId));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_question_raises_a_low_alert_a_second_message_is_added_to_it_and_reopens_it_after_acknowledgement(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        var (enrollment, _) = await OpenDay3Async(h, locale: "es");

        await h.TextAsync(Phone, "¿Cuándo es mi cita?");
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertSeverities.Low, "Patient wrote: “¿Cuándo es mi cita?”"), (alert.Severity, alert.Summary));
        await h.Db.InTransactionAsync(s => s.ExecuteAsync("UPDATE alerts SET status = 'acknowledged' WHERE id = @Id", new { alert.Id }));

        await h.TextAsync(Phone, "Dolor 9, tengo fiebre");

        var updated = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((alert.Id, AlertStatuses.Open, AlertSeverities.High, "Patient wrote: “Dolor 9, tengo fiebre” (urgent: fiebre)"),
            (updated.Id, updated.Status, updated.Severity, updated.Summary));
        // Low then high: the care team is told of the rise, not of the first message twice.
        Assert.Equal([AlertSeverities.Low, AlertSeverities.High], (await h.OutboxAsync<PainAlertRaised>()).Select(r => r.Severity));
        Assert.Equal(2, await h.CountAsync("inbound_sms WHERE alert_id = @Id AND for_staff = 'message'", new { alert.Id }));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_joins_the_enrollments_pain_alert_and_a_revised_answer_keeps_the_message_standing(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        var (enrollment, due) = await OpenDay3Async(h, baselineVas: 6);
        await h.TextAsync(Phone, "9");
        await h.TextAsync(Phone, "my leg is swollen and hot");

        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal(["pain-progression", "no-relief", "severe-pain", "patient-message"], alert.Rules);
        Assert.Equal("Day 3 pain 9/10 vs 6/10 before the procedure — pain progression: up 3 (flag at ≥ 2); no relief: rose 3 (a response needs a fall of ≥ 2); severe pain: 9/10 (flag at ≥ 8); patient wrote: “my leg is swollen and hot” (urgent: swollen)", alert.Summary);

        // The pain answer is revised to 1 on the form: no pain rule fires any more, but the message still needs a person.
        await h.AnswerAsync(due.SurveyId, ResponseSources.Web, new Answer(ItemCodes.Vas, 1), new Answer(ItemCodes.Analgesic, 1));

        var revised = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal((AlertStatuses.Open, AlertSeverities.High, "Patient wrote: “my leg is swollen and hot” (urgent: swollen)"),
            (revised.Status, revised.Severity, revised.Summary));
        Assert.Equal([AlertRules.PatientMessage], revised.Rules);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Thanks_and_numbers_that_are_not_quite_answers_are_listed_for_staff_without_an_alert(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        var (enrollment, _) = await OpenDay3Async(h);

        await h.TextAsync(Phone, "7 or 8", "SM-near");
        await h.TextAsync(Phone, "ok thanks 👍", "SM-ok");

        Assert.Empty(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal(PatientMessageKinds.SmallTalk, (await StaffRowAsync(h, "SM-near")).ForStaff);
        Assert.Equal((PatientMessageKinds.SmallTalk, (Guid?)enrollment.EnrollmentId), ((await StaffRowAsync(h, "SM-ok")).ForStaff, (await StaffRowAsync(h, "SM-ok")).EnrollmentId));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_after_the_survey_closed_reaches_the_enrollments_alert_with_its_facilitys_phone(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        var (enrollment, due) = await OpenDay3Async(h, facility: "north clinic");
        await h.ApplyAsync(new SurveyExpired(due.SurveyId, enrollment.EnrollmentId, Timepoints.Day3));

        var reply = await h.TextAsync(Phone, "I fell this morning", "SM-late");
        await h.PassTheHoldAsync();

        Assert.Null(reply); // no survey open: it waits for one, then is told there is none
        var late = Assert.Single(await h.OutboxAsync<SendSmsReply>());
        Assert.Equal(InstrumentTexts.NoOpenSurvey("en", new CareContact("555-010-0999", "911")), late.Body);
        // The expired survey's no-response alert is the enrollment's open one: the message joins it, and it turns high.
        var alert = Assert.Single(await h.AlertsAsync(enrollment.EnrollmentId));
        Assert.Equal(["no-response", "patient-message"], alert.Rules);
        Assert.Equal((AlertSeverities.High, "Day 3 — survey not answered before its window closed; patient wrote: “I fell this morning” (urgent: fell)"),
            (alert.Severity, alert.Summary));
        Assert.Equal(alert.Id, (await StaffRowAsync(h, "SM-late")).AlertId);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_text_from_a_number_with_no_survey_is_listed_for_staff_with_no_patient_and_no_alert(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);

        await h.TextAsync("+15559990000", "who is this? help", "SM-stranger");
        await h.PassTheHoldAsync();

        var text = await StaffRowAsync(h, "SM-stranger");
        Assert.Equal((PatientMessageKinds.Message, "help", (Guid?)null, (Guid?)null), (text.ForStaff, text.UrgentWords, text.EnrollmentId, text.AlertId));
        Assert.Equal(0, await h.CountAsync("alerts"));
        Assert.Equal(InstrumentTexts.NoOpenSurvey("en", new CareContact("555-010-0200", "911")), Assert.Single(await h.OutboxAsync<SendSmsReply>()).Body);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_late_three_is_read_back_as_medicine_and_PAIN_3_then_corrects_the_pain_answer_keeping_both_versions(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        var (_, due) = await OpenDay3Async(h, baselineVas: 6);
        var contact = new CareContact("555-010-0200", "911");

        var first = await h.TextAsync(Phone, "7");
        var medicine = await h.TextAsync(Phone, "3");
        var correction = await h.TextAsync(Phone, "PAIN 3");

        Assert.StartsWith("Got it: pain 7 out of 10. ", first);
        Assert.Equal(Fixtures.ThenThanks(ItemCodes.Analgesic, 3, "en", contact), medicine);
        Assert.Equal(Fixtures.ThenThanks(ItemCodes.Vas, 3, "en", contact), correction);
        Assert.Equal([("vas", 7, true), ("analgesic", 3, false), ("vas", 3, false)],
            (await h.VersionsAsync(due.SurveyId)).Select(v => (v.Item, v.Value, v.SupersededAt is not null)));
        Assert.Equal(3, (await h.SurveyAsync(due.SurveyId))!.Vas);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Yes_in_the_middle_of_a_survey_opts_in_and_asks_the_open_question_again(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider, contacts: Contacts);
        await OpenDay3Async(h);
        await h.TextAsync(Phone, "6");

        var reply = await h.TextAsync(Phone, "YES");

        Assert.Equal($"{InstrumentTexts.OptedIn("en")} {InstrumentTexts.For(ItemCodes.Analgesic, "en").SmsPrompt}", reply);
        Assert.Single(await h.OutboxAsync<PatientOptedIn>());
    }

    [Fact]
    public void Facility_contacts_fall_back_to_the_top_level_and_to_the_countrys_emergency_number()
    {
        var contacts = new FacilityContacts(Microsoft.Extensions.Options.Options.Create(Contacts));

        Assert.Equal(new CareContact("555-010-0999", "911"), contacts.For(" NORTH clinic "));
        Assert.Equal(new CareContact("555-010-0200", "112"), contacts.For("Madrid"));
        Assert.Equal(new CareContact("555-010-0200", "911"), contacts.For("Elsewhere"));
        Assert.Equal(new CareContact("555-010-0200", "911"), contacts.For(null));
    }

    [Theory]
    [InlineData("555-010-0200 ext 12345678", null, "US", "CareTeamPhone")]
    [InlineData("call us", null, "US", "CareTeamPhone")]
    [InlineData("555 010 0200", "9-1-1", "US", "EmergencyNumber")]
    [InlineData("555 010 0200", null, "ZZ", "no emergency number is known for country 'ZZ'")]
    public void A_facility_contact_that_would_not_fit_or_read_in_a_text_stops_the_service_naming_the_key(string phone, string? emergency,
        string country, string message)
    {
        var options = new FacilityContactOptions { Facilities = { ["Main"] = new FacilityContact { CareTeamPhone = phone, EmergencyNumber = emergency, Country = country } } };

        var result = new FacilityContactValidation().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("PainPro:Ingestion:FacilityContacts:Facilities:Main", result.FailureMessage);
        Assert.Contains(message, result.FailureMessage);
    }

    private static async Task<(EnrollmentCreated Enrollment, SurveyDue Due)> OpenDay3Async(IngestionHarness h, int? baselineVas = 6,
        string locale = "en", string facility = "Main")
    {
        var enrollment = Fixtures.Enrollment(baselineVas: baselineVas, facility: facility);
        await h.ApplyAsync(enrollment);
        var due = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Phone, locale: locale);
        await h.ApplyAsync(due);
        return (enrollment, due);
    }

    private static Task<StaffRow> StaffRowAsync(IngestionHarness h, string messageSid) => h.Db.ReadAsync(c => c.QuerySingleAsync<StaffRow>(
        "SELECT for_staff AS ForStaff, urgent_words AS UrgentWords, enrollment_id AS EnrollmentId, alert_id AS AlertId FROM inbound_sms WHERE message_sid = @messageSid",
        new { messageSid }));

    private sealed record StaffRow
    {
        public string? ForStaff { get; init; }
        public string? UrgentWords { get; init; }
        public Guid? EnrollmentId { get; init; }
        public Guid? AlertId { get; init; }
    }
}
