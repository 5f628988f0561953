using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Auditing;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>The alert API over HTTP: worklist filters, one alert with its history, and every nurse action audited.</summary>
public sealed class AlertApiTests(IngestionHostFixture fixture) : IClassFixture<IngestionHostFixture>
{
    private IngestionHost Host => fixture.Host;

    [Fact]
    public async Task Acknowledge_call_note_and_resolve_are_recorded_with_the_acting_nurse_and_published()
    {
        var (alertId, _) = await RaiseAlertAsync(vas: 9);
        using var portal = PortalClient("nurse.jo");

        using var acknowledged = await portal.PostAsync($"/api/alerts/{alertId}/acknowledge", null);
        using var call = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/calls", new { outcome = "voicemail", note = "Left a message" });
        using var note = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/notes", new { note = "Will try again at 3 pm" });
        using var resolved = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { outcome = "medication-adjusted", note = "Spoke with Dr. Lee" });

        Assert.All([acknowledged, call, note, resolved], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var detail = await resolved.Content.ReadFromJsonAsync<JsonElement>();
        var alert = detail.GetProperty("alert");
        Assert.Equal(("resolved", "nurse.jo", "nurse.jo", "medication-adjusted", "Spoke with Dr. Lee"),
            (alert.GetProperty("status").GetString(), alert.GetProperty("acknowledgedBy").GetString(), alert.GetProperty("resolvedBy").GetString(),
             alert.GetProperty("outcome").GetString(), alert.GetProperty("note").GetString()));
        var history = detail.GetProperty("history").EnumerateArray()
            .Select(h => (h.GetProperty("action").GetString(), h.GetProperty("actor").GetString(), h.GetProperty("via").GetString()))
            .ToList();
        Assert.Equal([("raised", "system", null), ("acknowledged", "nurse.jo", "dev"), ("call", "nurse.jo", "dev"),
            ("note", "nurse.jo", "dev"), ("resolved", "nurse.jo", "dev")], history);
        Assert.Equal(1, await Host.CountAsync("outbox WHERE message_type = @type AND body LIKE @alert",
            new { type = typeof(AlertAcknowledged).FullName, alert = $"%{alertId}%nurse.jo%" }));
        Assert.Equal(1, await Host.CountAsync("outbox WHERE message_type = @type AND body LIKE @alert",
            new { type = typeof(AlertResolved).FullName, alert = $"%{alertId}%nurse.jo%" }));
    }

    [Fact]
    public async Task Acting_on_a_resolved_or_unknown_alert_or_with_bad_input_gets_a_clear_4xx()
    {
        var (alertId, _) = await RaiseAlertAsync(vas: 9);
        using var portal = PortalClient("nurse.jo");

        using var noOutcome = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "no outcome" });
        using var badCall = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/calls", new { outcome = "busy" });
        using var emptyNote = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/notes", new { note = "  " });
        using var unknown = await portal.PostAsync($"/api/alerts/{Guid.NewGuid()}/acknowledge", null);
        using var badFilter = await portal.GetAsync("/api/alerts?status=closed");
        (await portal.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { outcome = "no-action-needed" })).Dispose();
        using var again = await portal.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { outcome = "no-action-needed" });
        using var lateAcknowledge = await portal.PostAsync($"/api/alerts/{alertId}/acknowledge", null);

        Assert.Equal(
            [HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.BadRequest,
             HttpStatusCode.Conflict, HttpStatusCode.Conflict],
            new[] { noOutcome, badCall, emptyNote, unknown, badFilter, again, lateAcknowledge }.Select(r => r.StatusCode));
        Assert.All(new[] { noOutcome, unknown, again }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal(1, await Host.CountAsync("alert_events WHERE alert_id = @alertId AND action = 'resolved'", new { alertId }));
    }

    [Fact]
    public async Task The_worklist_filters_by_status_severity_and_enrollment_and_lists_the_most_severe_first()
    {
        var (medium, mediumEnrollment) = await RaiseAlertAsync(vas: 5);
        var (high, highEnrollment) = await RaiseAlertAsync(vas: 9);
        using var portal = PortalClient("nurse.jo");

        var open = await portal.GetFromJsonAsync<JsonElement>("/api/alerts?status=open");
        var highOnly = await portal.GetFromJsonAsync<JsonElement>("/api/alerts?status=open&severity=high");
        var forEnrollment = await portal.GetFromJsonAsync<JsonElement>($"/api/alerts?enrollmentId={mediumEnrollment}");

        var openIds = open.EnumerateArray().Select(a => a.GetProperty("alertId").GetGuid()).ToList();
        Assert.True(openIds.IndexOf(high) < openIds.IndexOf(medium), "high before medium");
        Assert.All(highOnly.EnumerateArray(), a => Assert.Equal("high", a.GetProperty("severity").GetString()));
        Assert.Contains(high, highOnly.EnumerateArray().Select(a => a.GetProperty("alertId").GetGuid()));
        Assert.Equal(medium, Assert.Single(forEnrollment.EnumerateArray()).GetProperty("alertId").GetGuid());
        Assert.NotEqual(mediumEnrollment, highEnrollment);
    }

    [Fact]
    public async Task Viewing_an_alert_shows_its_history_and_is_audited()
    {
        var (alertId, enrollmentId) = await RaiseAlertAsync(vas: 9);
        using var portal = PortalClient("nurse.kim");

        var detail = await portal.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertId}");

        Assert.Equal(alertId, detail.GetProperty("alert").GetProperty("alertId").GetGuid());
        Assert.Equal("raised", Assert.Single(detail.GetProperty("history").EnumerateArray()).GetProperty("action").GetString());
        Assert.Equal(1, await Host.CountAsync("audit_log WHERE alert_id = @alertId AND actor = 'nurse.kim' AND via = 'dev' AND action = @action",
            new { alertId, action = AuditLog.ViewedAlert }));
        Assert.NotEqual(Guid.Empty, enrollmentId);
    }

    [Fact]
    public async Task Stats_count_alerts_by_rule_and_give_the_median_minutes_to_acknowledge()
    {
        var procedure = "vertebroplasty-" + Guid.NewGuid().ToString("N")[..6];
        var (first, _) = await RaiseAlertAsync(vas: 9, procedureType: procedure);
        var (second, _) = await RaiseAlertAsync(vas: 5, procedureType: procedure);
        await Host.Db.InTransactionAsync(s => s.ExecuteAsync(
            "UPDATE alerts SET status = 'acknowledged', acknowledged_at = @at WHERE id = @first",
            new { first, at = DateTimeOffset.UtcNow.AddMinutes(30) }));
        using var portal = PortalClient("manager.al");

        var stats = await portal.GetFromJsonAsync<JsonElement>($"/api/alerts/stats?procedureType={procedure}");

        Assert.Equal(2, stats.GetProperty("alerts").GetInt32());
        Assert.InRange(stats.GetProperty("medianMinutesToAcknowledge").GetDouble(), 29, 31);
        var byRule = stats.GetProperty("byRule");
        Assert.Equal((2, 1, 0), (byRule.GetProperty("no-relief").GetInt32(), byRule.GetProperty("severe-pain").GetInt32(),
            byRule.GetProperty("no-response").GetInt32()));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Stats_filter_on_the_procedure_time_not_on_when_the_alert_was_raised()
    {
        var procedure = "resection-" + Guid.NewGuid().ToString("N")[..6];
        var march = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var (performedInMarch, _) = await RaiseAlertAsync(vas: 9, procedureType: procedure, performedAt: march.AddDays(10));
        var (raisedInMarch, _) = await RaiseAlertAsync(vas: 5, procedureType: procedure, performedAt: march.AddDays(-20));
        await Host.Db.InTransactionAsync(s => s.ExecuteAsync(
            "UPDATE alerts SET raised_at = CASE WHEN id = @raisedInMarch THEN @inMarch ELSE @inApril END WHERE id IN (@raisedInMarch, @performedInMarch)",
            new { raisedInMarch, performedInMarch, inMarch = march.AddDays(12), inApril = march.AddDays(40) }));
        using var portal = PortalClient("manager.al");

        var stats = await portal.GetFromJsonAsync<JsonElement>($"/api/alerts/stats?procedureType={procedure}&from=2026-03-01&to=2026-03-31");

        // Only the high alert (severe pain and no relief) of the procedure performed in March counts.
        var byRule = stats.GetProperty("byRule");
        Assert.Equal((1, 1, 1), (stats.GetProperty("alerts").GetInt32(), byRule.GetProperty("severe-pain").GetInt32(),
            byRule.GetProperty("no-relief").GetInt32()));
    }

    [Fact]
    public async Task Assign_to_me_is_shown_to_the_other_nurse_who_must_take_over_explicitly_and_only_the_holder_gives_it_back()
    {
        var (alertId, _) = await RaiseAlertAsync(vas: 9);
        using var jo = PortalClient("nurse.jo");
        using var kim = PortalClient("nurse.kim");

        using var taken = await jo.PostAsJsonAsync($"/api/alerts/{alertId}/assign", new { });
        var seenByKim = await kim.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertId}");
        using var refused = await kim.PostAsJsonAsync($"/api/alerts/{alertId}/assign", new { });
        using var notTheirs = await kim.PostAsync($"/api/alerts/{alertId}/release", null);
        using var takenOver = await kim.PostAsJsonAsync($"/api/alerts/{alertId}/assign", new { takeOver = true });
        using var released = await kim.PostAsync($"/api/alerts/{alertId}/release", null);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.OK, HttpStatusCode.OK],
            new[] { taken, refused, notTheirs, takenOver, released }.Select(r => r.StatusCode));
        Assert.Equal("nurse.jo", seenByKim.GetProperty("alert").GetProperty("assignedTo").GetString());
        Assert.Contains("nurse.jo", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var after = (await released.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alert");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("assignedTo").ValueKind);
        Assert.Equal(["assigned:nurse.jo", "assigned:nurse.kim", "released:nurse.kim"],
            (await Host.Db.ReadAsync(c => c.QueryAsync<(string, string)>(
                "SELECT action, actor FROM alert_events WHERE alert_id = @alertId AND action IN ('assigned', 'released') ORDER BY at, id",
                new { alertId }))).Select(e => $"{e.Item1}:{e.Item2}"));
        // Taking and giving back publish nothing: the care team's notices are about the patient, not who holds the alert.
        Assert.Equal(0, await Host.CountAsync("outbox WHERE body LIKE @alert AND message_type NOT LIKE '%PainAlertRaised'", new { alert = $"%{alertId}%" }));
    }

    [Fact]
    public async Task Multi_select_acknowledges_each_open_alert_once_publishes_each_and_reports_those_already_handled()
    {
        var (first, _) = await RaiseAlertAsync(vas: 9);
        var (second, _) = await RaiseAlertAsync(vas: 5);
        var (resolved, _) = await RaiseAlertAsync(vas: 9);
        using var jo = PortalClient("nurse.jo");
        (await jo.PostAsJsonAsync($"/api/alerts/{resolved}/resolve", new { outcome = "no-action-needed" })).Dispose();
        var unknown = Guid.NewGuid();

        using var response = await jo.PostAsJsonAsync("/api/alerts/acknowledge", new { alertIds = new[] { first, second, resolved, unknown, first } });
        using var again = await jo.PostAsJsonAsync("/api/alerts/acknowledge", new { alertIds = new[] { first } });
        using var empty = await jo.PostAsJsonAsync("/api/alerts/acknowledge", new { alertIds = Array.Empty<Guid>() });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest), (response.StatusCode, again.StatusCode, empty.StatusCode));
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([first, second], result.GetProperty("acknowledged").EnumerateArray().Select(a => a.GetGuid()));
        Assert.Equal([(resolved, "resolved"), (unknown, "not-found")], result.GetProperty("skipped").EnumerateArray()
            .Select(s => (s.GetProperty("alertId").GetGuid(), s.GetProperty("reason").GetString())));
        Assert.Equal("acknowledged", Assert.Single((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("skipped").EnumerateArray()).GetProperty("reason").GetString());
        foreach (var id in new[] { first, second })
            Assert.Equal(1, await Host.CountAsync("outbox WHERE message_type = @type AND body LIKE @alert",
                new { type = typeof(AlertAcknowledged).FullName, alert = $"%{id}%nurse.jo%" }));
    }

    [Fact]
    public async Task The_worklist_endpoint_pages_with_a_total_and_refuses_unknown_values_with_a_clear_400()
    {
        var (high, _) = await RaiseAlertAsync(vas: 9);
        using var portal = PortalClient("nurse.jo");

        var page = await portal.GetFromJsonAsync<JsonElement>("/api/alerts/worklist?severity=high&limit=1");
        var statuses = new List<HttpStatusCode>();
        foreach (var bad in new[] { "status=resolved", "severity=urgent", "sort=name", "dir=up", "assigned=them", "limit=0", "limit=201", "offset=-1" })
            statuses.Add((await portal.GetAsync($"/api/alerts/worklist?{bad}")).StatusCode);

        Assert.True(page.GetProperty("total").GetInt32() >= 1);
        Assert.Single(page.GetProperty("alerts").EnumerateArray());
        Assert.Equal(14400, page.GetProperty("targets").GetProperty("highSeconds").GetInt64());
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.NotEqual(Guid.Empty, high);
    }

    /// <summary>Baseline 6; a day-3 text answers VAS. 9 raises a high alert, 5 a medium one.</summary>
    private async Task<(Guid AlertId, Guid EnrollmentId)> RaiseAlertAsync(int vas, string procedureType = "cementoplasty",
        DateTimeOffset? performedAt = null)
    {
        var enrollment = Fixtures.Enrollment(baselineVas: 6, procedureType: procedureType, performedAt: performedAt);
        var phone = Fixtures.NewPhone();
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone);
        await Host.OpenSurveyAsync(enrollment, survey);
        (await Host.TextAsync(phone, vas.ToString())).Dispose();
        var alertId = await Host.Db.ReadAsync(c => c.ExecuteScalarAsync<string>(
            "SELECT CAST(id AS TEXT) FROM alerts WHERE enrollment_id = @EnrollmentId", new { enrollment.EnrollmentId }));
        return (Guid.Parse(alertId!), enrollment.EnrollmentId);
    }

    /// <summary>The Portal calling with its API key on behalf of a signed-in staff member.</summary>
    private HttpClient PortalClient(string actingUser)
    {
        var client = Host.Host.CreateClient();
        client.DefaultRequestHeaders.Add(StaffActor.ActingUserHeader, actingUser);
        return client;
    }
}
