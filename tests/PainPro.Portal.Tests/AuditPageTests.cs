using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Portal.Accounts;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>
/// The admin's audit log (DESIGN §8): who did what to which alert, who viewed which patient — readable, filtered by
/// user, patient and date, exported as CSV — and its own views recorded in it.
/// </summary>
public sealed partial class AuditPageTests(PortalSystemFixture fixture) : IClassFixture<PortalSystemFixture>
{
    private PortalSystem App => fixture.System;

    [Fact]
    public async Task Staff_actions_and_patient_views_read_as_events_and_filter_by_user_patient_and_date()
    {
        var (patient, other) = await TwoPatientsSeenAsync("audit.nurse");
        using var admin = new StaffClient(App.BaseUrl);
        await admin.SignInAsync("admin");

        var byUser = await RowsAsync(admin, "/admin/audit?user=audit.nurse");
        Assert.All(byUser, row => Assert.Equal("audit.nurse", row.Who));
        Assert.Contains(byUser, row => row.What == "Opened the patient's record" && row.About.Contains($"MRN {patient.Mrn}"));
        Assert.Contains(byUser, row => row.What == "Opened an alert" && row.About.Contains("alert"));
        Assert.Contains(byUser, row => row.What == "Acknowledged an alert");
        Assert.Contains(byUser, row => row.What == "Viewed the patient's answers");
        Assert.Contains(byUser, row => row.What == "Read messages from patients"); // the patient's page shows their texts
        Assert.DoesNotContain(byUser, row => row.About.Contains(other.Mrn));
        Assert.DoesNotContain(byUser, row => Regex.IsMatch(row.What, "^[a-z]+[.-][a-z.-]+$")); // no raw codes

        var byPatient = await RowsAsync(admin, $"/admin/audit?patient={other.Mrn}");
        Assert.NotEmpty(byPatient);
        Assert.All(byPatient, row => Assert.Contains(other.Mrn, row.About));
        Assert.Contains(byPatient, row => row.Who == "nurse" && row.What == "Opened the patient's record");

        var today = DateOnly.FromDateTime(App.Host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        Assert.NotEmpty(await RowsAsync(admin, $"/admin/audit?user=audit.nurse&from={Day(today)}&to={Day(today)}"));
        Assert.Empty(await RowsAsync(admin, $"/admin/audit?user=audit.nurse&from={Day(today.AddDays(1))}"));
        Assert.Empty(await RowsAsync(admin, $"/admin/audit?user=audit.nurse&to={Day(today.AddDays(-1))}"));
    }

    [Fact]
    public async Task The_csv_export_holds_the_filtered_events_and_viewing_or_exporting_the_log_is_itself_recorded()
    {
        var (patient, _) = await TwoPatientsSeenAsync("export.nurse");
        using var admin = new StaffClient(App.BaseUrl);
        await admin.SignInAsync("admin");

        using var csv = await admin.Http.GetAsync("/admin/audit?handler=Csv&user=export.nurse");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,time_utc,user,via,event,event_code,patient_id,mrn,alert_id,subject,detail,source", lines[0]);
        Assert.Contains(lines, l => l.Contains(",export.nurse,") && l.Contains(",Acknowledged an alert,alert.acknowledged,") && l.Contains(patient.Mrn));
        Assert.Contains(lines, l => l.Contains(",Opened the patient's record,view,") && l.Contains($",{patient.PatientId},{patient.Mrn},"));
        Assert.All(lines.Skip(1), l => Assert.Contains(",export.nurse,", l));

        var own = await RowsAsync(admin, "/admin/audit?user=admin");
        Assert.Contains(own, row => row.What == "Exported the audit log" && row.Detail == "user export.nurse");
        Assert.Contains(own, row => row.What == "Viewed the audit log" && row.Detail == "user admin");
    }

    [Fact]
    public async Task An_mrn_nobody_has_is_refused_with_a_message_next_to_the_field()
    {
        using var admin = new StaffClient(App.BaseUrl);
        await admin.SignInAsync("admin");

        using var response = await admin.Http.GetAsync("/admin/audit?patient=NO-SUCH-MRN-123");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("No patient has the MRN NO-SUCH-MRN-123", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// A nurse named <paramref name="nurseName"/> opens one patient's record, the alert, its answers, and acknowledges
    /// it; the demo nurse opens another patient's record.
    /// </summary>
    private async Task<(TestPatient Patient, TestPatient Other)> TwoPatientsSeenAsync(string nurseName)
    {
        var patient = await SystemData.RegisterAsync(App, baselineVas: 5, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        var other = await SystemData.RegisterAsync(App, baselineVas: 5, performedAgo: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        await SystemData.AnswerTextsAsync(App, patient, "8");
        var alert = await SystemData.OpenAlertAsync(App, patient);

        var accounts = App.Host.Services.GetRequiredService<AccountStore>();
        Assert.True((await accounts.CreateAsync(new NewStaffAccount(nurseName, "Audited Nurse", "nurse", "an audited password"), "test")).Succeeded);
        using var nurse = new StaffClient(App.BaseUrl);
        await nurse.SignInAsync(nurseName, "an audited password");
        Assert.Equal(HttpStatusCode.OK, (await nurse.Http.GetAsync($"/patients/{patient.PatientId}")).StatusCode);
        var page = $"/alerts/{alert.AlertId}";
        Assert.Equal(HttpStatusCode.Redirect, (await nurse.PostFormAsync(page, page + "?handler=Acknowledge", new Dictionary<string, string>())).StatusCode);

        using var demoNurse = new StaffClient(App.BaseUrl);
        await demoNurse.SignInAsync("nurse");
        Assert.Equal(HttpStatusCode.OK, (await demoNurse.Http.GetAsync($"/patients/{other.PatientId}")).StatusCode);
        return (patient, other);
    }

    private sealed record Row(string When, string Who, string What, string About, string Detail);

    /// <summary>The audit table's rows as text (tags stripped, entities decoded).</summary>
    private static async Task<List<Row>> RowsAsync(StaffClient admin, string path)
    {
        using var response = await admin.Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        var body = html[html.IndexOf("<tbody>", StringComparison.Ordinal)..html.IndexOf("</tbody>", StringComparison.Ordinal)];
        return TableRow().Matches(body).Select(row =>
        {
            var cells = Cell().Matches(row.Value).Select(c => Text(c.Groups[1].Value)).ToList();
            return new Row(cells[0], cells[1].Split(" via ")[0].Trim(), cells[2], cells[3], cells[4]);
        }).ToList();
    }

    private static string Text(string html) => Regex.Replace(WebUtility.HtmlDecode(Tag().Replace(html, " ")), @"\s+", " ").Trim();

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex TableRow();

    [GeneratedRegex("<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}
