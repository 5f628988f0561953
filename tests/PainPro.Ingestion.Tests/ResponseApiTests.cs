using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PainPro.Contracts;
using PainPro.Ingestion.Auditing;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>Answers over HTTP: the enrollment's responses, staff-entered answers, and the outcomes summary's shape.</summary>
public sealed class ResponseApiTests(IngestionHostFixture fixture) : IClassFixture<IngestionHostFixture>
{
    private IngestionHost Host => fixture.Host;

    [Fact]
    public async Task A_nurse_can_enter_answers_collected_by_phone_after_the_window_closed()
    {
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Fixtures.NewPhone());
        await Host.OpenSurveyAsync(enrollment, survey);
        await Host.PublishAsync(new SurveyExpired(survey.SurveyId, enrollment.EnrollmentId, Timepoints.Day3));
        await Eventually.TrueAsync(async () => await Host.CountAsync("alerts WHERE enrollment_id = @EnrollmentId", new { enrollment.EnrollmentId }) == 1,
            "the no-response alert");
        using var portal = Host.Host.CreateClient();
        portal.DefaultRequestHeaders.Add(StaffActor.ActingUserHeader, "nurse.jo");

        using var entered = await portal.PostAsJsonAsync($"/api/surveys/{survey.SurveyId}/responses",
            new { answers = new[] { new { item = "vas", value = 9 }, new { item = "analgesic", value = 3 } } });
        var responses = await portal.GetFromJsonAsync<JsonElement>($"/api/enrollments/{enrollment.EnrollmentId}/responses");
        var alerts = await portal.GetFromJsonAsync<JsonElement>($"/api/alerts?enrollmentId={enrollment.EnrollmentId}");

        Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        Assert.True((await entered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("completed").GetBoolean());
        Assert.Equal([("vas", 9, "staff", "nurse.jo"), ("analgesic", 3, "staff", "nurse.jo")],
            responses.EnumerateArray()
                .Select(r => (r.GetProperty("item").GetString(), r.GetProperty("value").GetInt32(), r.GetProperty("source").GetString(), r.GetProperty("enteredBy").GetString()))
                .OrderByDescending(r => r.Item1));
        Assert.All(responses.EnumerateArray(), r =>
        {
            Assert.Equal(survey.SurveyId, r.GetProperty("surveyId").GetGuid());
            Assert.Equal("day3", r.GetProperty("timepoint").GetString());
            Assert.True(r.TryGetProperty("answeredAt", out _));
        });
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        Assert.Equal(["pain-progression", "no-relief", "severe-pain", "analgesic-escalation", "no-response"],
            alert.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, await Host.CountAsync("audit_log WHERE survey_id = @SurveyId AND action = @action AND actor = 'nurse.jo'",
            new { survey.SurveyId, action = AuditLog.EnteredResponses }));
        Assert.Equal(1, await Host.CountAsync("audit_log WHERE enrollment_id = @EnrollmentId AND action = @action",
            new { enrollment.EnrollmentId, action = AuditLog.ViewedResponses }));
    }

    [Fact]
    public async Task Text_answers_a_nurse_revises_stay_listed_with_supersededAt_and_the_alert_is_resolved_by_the_system()
    {
        var phone = Fixtures.NewPhone();
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone);
        await Host.OpenSurveyAsync(enrollment, survey);
        (await Host.TextAsync(phone, "9")).Dispose();
        (await Host.TextAsync(phone, "3")).Dispose();
        using var portal = Host.Host.CreateClient();
        portal.DefaultRequestHeaders.Add(StaffActor.ActingUserHeader, "nurse.jo");

        using var entered = await portal.PostAsJsonAsync($"/api/surveys/{survey.SurveyId}/responses",
            new { answers = new[] { new { item = "vas", value = 2 }, new { item = "analgesic", value = 2 } } });
        var responses = await portal.GetFromJsonAsync<JsonElement>($"/api/enrollments/{enrollment.EnrollmentId}/responses");
        var alert = (await portal.GetFromJsonAsync<JsonElement>($"/api/alerts?enrollmentId={enrollment.EnrollmentId}"))[0];
        var detail = await portal.GetFromJsonAsync<JsonElement>($"/api/alerts/{alert.GetProperty("alertId").GetGuid()}");

        Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        Assert.Equal(
            [("vas", 9, "sms", true), ("analgesic", 3, "sms", true), ("analgesic", 2, "staff", false), ("vas", 2, "staff", false)],
            responses.EnumerateArray().Select(r => (r.GetProperty("item").GetString(), r.GetProperty("value").GetInt32(),
                r.GetProperty("source").GetString(), r.GetProperty("supersededAt").ValueKind == JsonValueKind.String)));
        Assert.All(responses.EnumerateArray().Where(r => r.GetProperty("supersededAt").ValueKind == JsonValueKind.String),
            r => Assert.True(r.GetProperty("supersededAt").GetDateTimeOffset() >= r.GetProperty("answeredAt").GetDateTimeOffset()));
        Assert.Equal(2, (await entered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responses").GetArrayLength()); // current only
        Assert.Equal(("resolved", "system", "answer-revised"),
            (alert.GetProperty("status").GetString(), alert.GetProperty("resolvedBy").GetString(), alert.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.String, alert.GetProperty("answerChangedAt").ValueKind);
        var last = detail.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("resolved", "system", "nurse.jo (staff) revised day-3 pain 9 → 2, pain medicine more → same; no rule fires"),
            (last.GetProperty("action").GetString(), last.GetProperty("actor").GetString(), last.GetProperty("note").GetString()));
        Assert.Equal(1, await Host.CountAsync("audit_log WHERE survey_id = @SurveyId AND action = @action AND actor = 'nurse.jo'",
            new { survey.SurveyId, action = AuditLog.EnteredResponses }));
    }

    [Fact]
    public async Task Staff_entry_refuses_anonymous_clients_unknown_items_and_unknown_surveys()
    {
        var enrollment = Fixtures.Enrollment();
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: Fixtures.NewPhone());
        await Host.OpenSurveyAsync(enrollment, survey);
        using var integration = Host.Host.CreateClient();
        using var portal = Host.Host.CreateClient();
        portal.DefaultRequestHeaders.Add(StaffActor.ActingUserHeader, "nurse.jo");
        var body = new { answers = new[] { new { item = "vas", value = 4 } } };

        using var nobody = await integration.PostAsJsonAsync($"/api/surveys/{survey.SurveyId}/responses", body);
        using var badItem = await portal.PostAsJsonAsync($"/api/surveys/{survey.SurveyId}/responses",
            new { answers = new[] { new { item = "msts.gait", value = 4 }, new { item = "vas", value = 12 } } });
        using var empty = await portal.PostAsJsonAsync($"/api/surveys/{survey.SurveyId}/responses", new { answers = Array.Empty<object>() });
        using var unknownSurvey = await portal.PostAsJsonAsync($"/api/surveys/{Guid.NewGuid()}/responses", body);
        using var unknownEnrollment = await portal.GetAsync($"/api/enrollments/{Guid.NewGuid()}/responses");

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { nobody, badItem, empty, unknownSurvey, unknownEnrollment }.Select(r => r.StatusCode));
        var problem = await badItem.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, problem.GetProperty("errors").EnumerateObject().Count());
        Assert.Equal(0, await Host.CountAsync("responses WHERE survey_id = @SurveyId", new { survey.SurveyId }));
    }

    [Fact]
    public async Task The_outcomes_summary_answers_one_camel_case_row_per_timepoint_and_refuses_a_bad_date()
    {
        using var client = Host.Host.CreateClient();

        var rows = await client.GetFromJsonAsync<JsonElement>("/api/outcomes/summary?procedureType=cementoplasty&from=2020-01-01&to=2100-12-31");
        using var badDate = await client.GetAsync("/api/outcomes/summary?from=yesterday");

        Assert.Equal(Timepoints.All, rows.EnumerateArray().Select(r => r.GetProperty("timepoint").GetString()));
        var row = rows[1];
        foreach (var property in new[] { "surveysSent", "answered", "responseRate", "vas", "reductionShare", "msts", "consensus" })
            Assert.True(row.TryGetProperty(property, out _), property);
        foreach (var property in new[] { "n", "mean", "sd", "median", "q1", "q3" })
            Assert.True(row.GetProperty("vas").TryGetProperty(property, out _), property);
        Assert.Equal(JsonValueKind.Number, row.GetProperty("surveysSent").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
    }
}
