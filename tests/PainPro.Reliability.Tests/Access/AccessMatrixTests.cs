using System.Net.Http.Json;
using System.Text;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Reliability.Tests.Access;

/// <summary>
/// Every endpoint of DESIGN §9 and the services' extensions, plus the Portal's pages, × anonymous / patient token /
/// nurse / manager / admin / API key: the exact status each must get. A 500 anywhere fails. The matrix as answered
/// is written to <c>tests/.artifacts/reliability/access-matrix.md</c>.
/// </summary>
[Collection(SystemCollection.Name)]
public class AccessMatrixTests(SystemUnderTest system)
{
    private sealed record Row(string Method, string Path, Dictionary<Principal, Expected> Expected, Func<Principal, HttpRequestMessage> Request);

    [Fact]
    public async Task Every_endpoint_answers_each_principal_exactly_as_its_access_rule_says()
    {
        using var entry = Ledger.Open("access.matrix", Ledger.Access, "Every endpoint × anonymous / patient token / nurse / manager / admin / API key");

        // What the rows act on: an enrollment with an open alert (and the patient's link), one to cancel, and one
        // alert per principal allowed to resolve (resolving twice is a 409, not an access answer).
        var (subject, alertId, patientToken) = await system.EnrollWithOpenAlertAsync();
        var toCancel = await system.EnrollAsync();
        var toResolve = new Dictionary<Principal, Guid>();
        foreach (var p in new[] { Principal.Nurse, Principal.Manager, Principal.Admin, Principal.ApiKey })
            toResolve[p] = (await system.EnrollWithOpenAlertAsync()).AlertId;
        var guessedToken = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var api = system.ApiClient();
        var performedAt = (await api.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/enrollments/{subject.EnrollmentId}"))!["procedure"]!["performedAt"]!.ToString();

        var clients = new Dictionary<Principal, HttpClient>
        {
            [Principal.Anonymous] = system.Client(),
            [Principal.Patient] = PatientClient(patientToken),
            [Principal.Nurse] = await system.SignInAsync("nurse"),
            [Principal.Manager] = await system.SignInAsync("manager"),
            [Principal.Admin] = await system.SignInAsync("admin"),
            [Principal.ApiKey] = system.ApiClient(),
        };

        Row Get(string path, Dictionary<Principal, Expected> expected) => new("GET", path, expected, _ => new HttpRequestMessage(HttpMethod.Get, path));
        Row Send(string method, string path, Dictionary<Principal, Expected> expected, Func<Principal, HttpContent?> body) =>
            new(method, path, expected, p => new HttpRequestMessage(new HttpMethod(method), path) { Content = body(p) });
        static HttpContent Json(object value) => JsonContent.Create(value);

        var e = subject.EnrollmentId;
        Row[] rows =
        [
            // ServiceDefaults
            Get("/health/live", Rules.Open(Expected.Ok)),
            Get("/health/ready", Rules.Open(Expected.Ok)),
            // Scheduling
            Send("POST", "/api/procedures", Rules.Integration(Expected.Created), _ => Json(Procedures.DueNow(Patient.Next()))),
            Send("POST", "/api/procedures/import", Rules.Integration(Expected.Ok), _ => new StringContent(Procedures.Csv([Patient.Next()]), Encoding.UTF8, "text/csv")),
            Get($"/api/enrollments/{e}", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/enrollments?procedureType=cementoplasty", Rules.StaffOrIntegration(Expected.Ok)),
            Send("PATCH", $"/api/enrollments/{e}", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { performedAt })),
            Send("POST", $"/api/enrollments/{toCancel.EnrollmentId}/cancel", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { reason = "withdrew" })),
            Get($"/api/patients?q={subject.Patient.Mrn}", Rules.StaffOrIntegration(Expected.Ok)),
            Get($"/api/patients/{subject.PatientId}", Rules.StaffOrIntegration(Expected.Ok)),
            Send("POST", "/api/patients/lookup", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { ids = new[] { subject.PatientId } })),
            Get("/api/reports/enrollments?procedureType=cementoplasty", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/reports/delivery-funnel?procedureType=cementoplasty", Rules.StaffOrIntegration(Expected.Ok)),
            // Ingestion
            Send("POST", "/webhooks/twilio/sms", Rules.Open(Expected.Forbidden), _ => new FormUrlEncodedContent(Testing.TwilioWebhook.InboundSms(subject.Patient.Phone, "5"))),
            new("GET", "/s/{token}", Rules.Open(Expected.NotFound).With(Principal.Patient, Expected.Ok),
                p => new HttpRequestMessage(HttpMethod.Get, $"/s/{(p == Principal.Patient ? patientToken : guessedToken)}")),
            Get("/api/alerts?status=open", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/alerts/stats", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/alerts/worklist?sort=overdue", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/alerts/targets", Rules.StaffOrIntegration(Expected.Ok)),
            // Before anyone takes it: giving back an alert nobody holds is a no-op for whoever may act on alerts.
            Send("POST", $"/api/alerts/{alertId}/release", Rules.StaffOrIntegration(Expected.Ok), _ => null),
            Send("POST", $"/api/alerts/{alertId}/assign", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { takeOver = true })),
            Send("POST", "/api/alerts/acknowledge", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { alertIds = new[] { alertId } })),
            Get($"/api/alerts/{alertId}", Rules.StaffOrIntegration(Expected.Ok)),
            Send("POST", $"/api/alerts/{alertId}/acknowledge", Rules.StaffOrIntegration(Expected.Ok), _ => null),
            Send("POST", $"/api/alerts/{alertId}/notes", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { note = "Called, no answer." })),
            Send("POST", $"/api/alerts/{alertId}/calls", Rules.StaffOrIntegration(Expected.Ok), _ => Json(new { outcome = "no-answer", note = "" })),
            new("POST", "/api/alerts/{id}/resolve", Rules.StaffOrIntegration(Expected.Ok),
                p => new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{toResolve.GetValueOrDefault(p, toResolve[Principal.Nurse])}/resolve")
                { Content = Json(new { outcome = "advised", note = "Reviewed." }) }),
            // A person must enter answers: an integration client without X-PainPro-Acting-User is refused.
            Send("POST", $"/api/surveys/{subject.Day3SurveyId}/responses", Rules.StaffOrIntegration(Expected.Ok, apiKey: Expected.Forbidden),
                _ => Json(new { answers = new[] { new { item = "analgesic", value = 2 } } })),
            Get($"/api/enrollments/{e}/responses", Rules.StaffOrIntegration(Expected.Ok)),
            // Audit trails: the Portal's API key or an administrator; other staff are refused (403), not challenged.
            Get("/api/audit/patient-views", Rules.Audit(Expected.Ok)),
            Get($"/api/audit/staff-actions?patientId={subject.PatientId}", Rules.Audit(Expected.Ok)),
            Get("/api/outcomes/summary?procedureType=cementoplasty", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/outcomes/trends?period=quarter", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/outcomes/extract?procedureType=cementoplasty", Rules.StaffOrIntegration(Expected.Ok)),
            // Messaging
            Send("POST", "/webhooks/twilio/status", Rules.Open(Expected.Forbidden),
                _ => new FormUrlEncodedContent(new Dictionary<string, string> { ["MessageSid"] = "SM1", ["MessageStatus"] = "delivered" })),
            Get("/api/senders", Rules.StaffOrIntegration(Expected.Ok)),
            Get("/api/care-team", Rules.StaffOrIntegration(Expected.Ok)),
            // Dev endpoints: this host runs in dev mode, where they are open by design (DevModeOffTests: 404 otherwise).
            Get("/dev/clock", Rules.Open(Expected.Ok)),
            Send("POST", "/dev/clock/advance", Rules.Open(new Expected(409)), _ => Json(new { by = "P1D" })),
            Get($"/dev/outbox?to={Uri.EscapeDataString(subject.Patient.Phone)}", Rules.Open(Expected.Ok)),
            // Portal pages (cookie only)
            Get("/login", Rules.Open(Expected.Ok)),
            Get("/access-denied", Rules.Open(Expected.Forbidden)),
            Get("/portal/assets/portal.css", Rules.Open(Expected.Ok)),
            Get("/", Rules.Page(Expected.Ok, Rules.AnyStaff)),
            Get("/?handler=Rows", Rules.Page(Expected.Ok, Rules.AnyStaff)),
            Get($"/alerts/{alertId}", Rules.Page(Expected.Ok, Rules.AnyStaff)),
            Get($"/patients?q={subject.Patient.Mrn}", Rules.Page(Expected.Ok, Rules.AnyStaff)),
            Get($"/patients/{subject.PatientId}", Rules.Page(Expected.Ok, Rules.AnyStaff)),
            Get("/dev/phone", Rules.DevPage(Expected.Ok, Rules.Admins)),
            Get("/dashboard", Rules.Page(Expected.Ok, Rules.Managers)),
            Get("/dashboard/export/outcomes", Rules.Page(Expected.Ok, Rules.Managers)),
            Get("/dashboard/export/extract", Rules.Page(Expected.Ok, Rules.Managers)),
            Get("/dashboard/export/trends", Rules.Page(Expected.Ok, Rules.Managers)),
            Get("/admin/accounts", Rules.Page(Expected.Ok, Rules.Admins)),
            Get("/admin/api-keys", Rules.Page(Expected.Ok, Rules.Admins)),
            Get("/admin/audit", Rules.Page(Expected.Ok, Rules.Admins)),
            Get("/admin/audit?handler=Csv", Rules.Page(Expected.Ok, Rules.Admins)),
            // The error page answers whoever got the error, with the error's status.
            Get("/error/404", Rules.Open(Expected.NotFound)),
            // Page actions without an antiforgery token: access is decided first, then the missing token is a 400.
            Send("POST", $"/alerts/{alertId}?handler=Note", Rules.Page(new Expected(400), Rules.AnyStaff),
                _ => new FormUrlEncodedContent(new Dictionary<string, string> { ["Note"] = "x" })),
            Send("POST", "/admin/api-keys?handler=Issue", Rules.Page(new Expected(400), Rules.Admins),
                _ => new FormUrlEncodedContent(new Dictionary<string, string> { ["Name"] = "stolen" })),
        ];

        var failures = new List<string>();
        var matrix = new StringBuilder("| Endpoint | " + string.Join(" | ", Enum.GetNames<Principal>()) + " |\n|---|" + string.Concat(Enum.GetNames<Principal>().Select(_ => "---|")) + "\n");
        foreach (var row in rows)
        {
            var cells = new List<string>();
            foreach (var principal in Enum.GetValues<Principal>())
            {
                using var request = row.Request(principal);
                using var response = await clients[principal].SendAsync(request);
                var expected = row.Expected[principal];
                var ok = expected.Matches(response) && (int)response.StatusCode < 500;
                var actual = response.Headers.Location is { } location
                    ? $"{(int)response.StatusCode}→{(location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0])}"
                    : ((int)response.StatusCode).ToString();
                cells.Add(ok ? actual : $"**{actual}** (want {expected})");
                if (!ok) failures.Add($"{row.Method} {row.Path} as {principal}: expected {expected}, got {actual}");
                entry.Count("endpoint × principal checks");
            }
            matrix.AppendLine($"| `{row.Method} {Label(row.Path)}` | {string.Join(" | ", cells)} |");
        }
        entry.Count("endpoints", rows.Length);
        Directory.CreateDirectory(Ledger.Directory);
        await File.WriteAllTextAsync(Path.Combine(Ledger.Directory, "access-matrix.md"), matrix.ToString());
        foreach (var client in clients.Values) client.Dispose();

        Assert.True(failures.Count == 0, $"{failures.Count} access answers differ from the rules:\n{string.Join("\n", failures)}\n\n{matrix}");
        entry.Pass();
    }

    /// <summary>The path as the matrix shows it: ids as <c>{id}</c>, only a page handler kept of the query.</summary>
    private static string Label(string path)
    {
        var withIds = System.Text.RegularExpressions.Regex.Replace(path, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}");
        var parts = withIds.Split('?');
        return parts.Length > 1 && parts[1].StartsWith("handler=", StringComparison.Ordinal) ? withIds : parts[0];
    }

    /// <summary>A patient's browser or phone trying its survey link token as a credential: as an API key and as a bearer token.</summary>
    private HttpClient PatientClient(string token)
    {
        var client = system.Client();
        client.DefaultRequestHeaders.Add(PainProAuth.ApiKeyHeader, token);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

internal static class ExpectationExtensions
{
    public static Dictionary<Principal, Expected> With(this Dictionary<Principal, Expected> rule, Principal principal, Expected expected) =>
        new(rule) { [principal] = expected };
}
