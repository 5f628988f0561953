using System.Net;
using Microsoft.Extensions.Logging;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;

namespace PainPro.Reliability.Tests.Access;

/// <summary>
/// A patient's whole journey — enrolment, the text, replies, the web form, an alert, staff searching and viewing
/// them, the Portal's pages — and then every log line at Information or above is searched for their phone, email,
/// names and MRN. None may appear.
/// </summary>
[Collection(SystemCollection.Name)]
public class LogPrivacyTests(SystemUnderTest system)
{
    [Fact]
    public async Task No_patient_phone_email_name_or_mrn_appears_in_logs_at_information_or_above()
    {
        using var entry = Ledger.Open("access.log-privacy", Ledger.Access, "No patient phone, email, name or MRN in logs at Information and above");
        var patient = Patient.Next(email: $"zephyrine.{Guid.NewGuid():N}@example.org");
        var enrolled = await system.EnrollAsync(patient);
        var token = await system.WaitForSurveyAsync(enrolled);
        await system.ReplyAsync(patient, "9");
        await system.ReplyAsync(patient, "more");
        await system.ReplyAsync(patient, "STOP");
        await system.ReplyAsync(patient, "START");

        using var nurse = await system.SignInAsync("nurse");
        using var api = system.ApiClient();
        var alerts = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"/api/alerts?enrollmentId={enrolled.EnrollmentId}"))!.AsArray();
        var alertId = Assert.Single(alerts)!["alertId"]!.GetValue<Guid>();
        foreach (var path in new[]
        {
            "/", $"/alerts/{alertId}", $"/patients?q={patient.Mrn}", $"/patients?q={patient.FamilyName}", $"/patients/{enrolled.PatientId}",
            $"/s/{token}",
        })
            Assert.Equal(HttpStatusCode.OK, (await nurse.GetAsync(path)).StatusCode);
        // The phone simulator is an admin's tool.
        using var admin = await system.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/dev/phone?number={Uri.EscapeDataString(patient.Phone)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/patients?q={patient.GivenName}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/enrollments/{enrolled.EnrollmentId}/responses")).StatusCode);
        // A bad request that quotes the patient's details back to the caller must not quote them into the log.
        var echoed = Procedures.DueNow(patient with { ExternalId = patient.ExternalId + "-bad", Phone = patient.Phone + "x" });
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync("/api/procedures", System.Net.Http.Json.JsonContent.Create(echoed))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the last consumers' log lines

        var identifiers = new[]
        {
            patient.Phone, patient.Phone.TrimStart('+'), patient.Phone[^10..], patient.Email!, patient.GivenName, patient.FamilyName, patient.Mrn,
        };
        var lines = system.Host.Logs.Lines.Where(l => l.Level >= LogLevel.Information).ToList();
        var leaks = lines
            .SelectMany(line => identifiers.Where(id => line.ToString().Contains(id, StringComparison.OrdinalIgnoreCase)).Select(id => $"'{id}' in {line}"))
            .ToList();
        entry.Count("log lines searched", lines.Count).Count("identifiers", identifiers.Length);
        Assert.True(leaks.Count == 0, $"{leaks.Count} log lines at Information or above name the patient:\n{string.Join("\n", leaks.Take(20))}");
        entry.Pass();
    }
}
