using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using PainPro.Scheduling.Patients;
using PainPro.Scheduling.Reports;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;

namespace PainPro.Scheduling.Tests.Patients;

/// <summary>
/// Patient search as staff type it — names with or without accents, in any case and order, MRNs, phone numbers in any
/// common format, and % and _ as plain characters — and the worklist's one-call look-up, on both dialects.
/// </summary>
public sealed partial class PatientSearchTests
{
    private static object Body(string externalId, DateTimeOffset performedAt, string mrn, string given, string family, string phone,
        string type = "cementoplasty", string facility = "Main") => new
    {
        externalId,
        patient = new { mrn, givenName = given, familyName = family, phone, preferredChannel = "sms", locale = "es", timeZone = "America/New_York" },
        procedure = new { type, bodySite = "femur", performedAt = performedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), facility, surgeon = "Dr. Lee" },
        baseline = new { vas = 7 },
    };

    private static async Task<List<PatientView>> SearchAsync(SchedulingHost scheduling, string q) =>
        (await scheduling.Client.GetFromJsonAsync<List<PatientView>>($"/api/patients?q={Uri.EscapeDataString(q)}", Json.Options))!;

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Names_are_found_whatever_their_accents_and_case_and_phones_in_any_common_format(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var performed = scheduling.Now.AddDays(-1);
        var lucia = await scheduling.RegisterAsync(Body("EHR-1", performed, "000101", "Lucía", "Muñoz Ibáñez", "+15551230001"));
        var soren = await scheduling.RegisterAsync(Body("EHR-2", performed, "000102", "Søren", "Łukasiewicz", "+442079460000"));
        var lucas = await scheduling.RegisterAsync(Body("EHR-3", performed, "50%_A", "Lucas", "Martin", "+15559870002"));

        async Task<List<Guid>> Found(string q) => [.. (await SearchAsync(scheduling, q)).Select(p => p.PatientId)];

        foreach (var q in new[] { "Lucía", "lucia", "LUCIA", "lucía muñoz", "munoz ibanez", "IBÁÑEZ", "ibanez lucia" })
            Assert.Equal([lucia.PatientId], await Found(q));
        foreach (var q in new[] { "soren", "Søren", "lukasiewicz", "ŁUKASIEWICZ" })
            Assert.Equal([soren.PatientId], await Found(q));
        foreach (var q in new[] { "(555) 123-0001", "555.123.0001", "+1 555 123 0001", "1-555-123-0001", "5551230001", "tel:+15551230001" })
            Assert.Equal([lucia.PatientId], await Found(q));
        foreach (var q in new[] { "020 7946 0000", "+44 20 7946 0000", "0044 20 7946 0000" })
            Assert.Equal([soren.PatientId], await Found(q));
        Assert.Equal([lucas.PatientId], await Found("50%_A"));
        Assert.Equal([lucas.PatientId], await Found("50%"));
        Assert.Empty(await Found("%%"));
        Assert.Empty(await Found("__"));
        Assert.Empty(await Found("L_cia"));
        // Names alphabetically by family name: Martin before Muñoz.
        Assert.Equal([lucas.PatientId, lucia.PatientId], await Found("luc"));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_worklist_names_a_page_of_patients_in_one_audited_call(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var performed = scheduling.Now.AddDays(-1);
        var ana = await scheduling.RegisterAsync(Body("EHR-1", performed, "000201", "Ana", "Ruiz", "+15551230011"));
        var jo = await scheduling.RegisterAsync(Body("EHR-2", performed, "000202", "Jo", "Kim", "+15551230012"));
        scheduling.Client.DefaultRequestHeaders.Add(PatientEndpoints.ActingUserHeader, "nurse.jo");

        using var response = await scheduling.Client.PostAsJsonAsync("/api/patients/lookup", new { ids = new[] { ana.PatientId, jo.PatientId, Guid.NewGuid(), ana.PatientId } });
        using var none = await scheduling.Client.PostAsJsonAsync("/api/patients/lookup", new { ids = Array.Empty<Guid>() });
        using var tooMany = await scheduling.Client.PostAsJsonAsync("/api/patients/lookup", new { ids = Enumerable.Range(0, 201).Select(_ => Guid.NewGuid()) });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (response.StatusCode, none.StatusCode, tooMany.StatusCode));
        var found = (await response.Content.ReadFromJsonAsync<List<PatientView>>(Json.Options))!;
        Assert.Equal(["Ana Ruiz", "Jo Kim"], found.Select(p => $"{p.GivenName} {p.FamilyName}").Order());
        Assert.Equal([("list", "nurse.jo"), ("list", "nurse.jo")], (await scheduling.Db.ReadAsync(c => c.QueryAsync<(string, string)>(
            "SELECT action, viewed_by FROM patient_views ORDER BY viewed_at"))).ToList());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dashboard_gets_counts_of_enrollments_and_of_the_response_funnel_not_lists(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var now = scheduling.Now;
        await scheduling.RegisterAsync(Body("EHR-1", now.AddDays(-4), "000301", "Ana", "Ruiz", "+15551230021"));
        await scheduling.RegisterAsync(Body("EHR-2", now.AddDays(-4), "000302", "Jo", "Kim", "+15551230022", type: "kyphoplasty"));
        await scheduling.RegisterAsync(Body("EHR-3", now.AddDays(-60), "000303", "Al", "Bo", "+15551230023"));
        var from = now.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await scheduling.Db.InTransactionAsync(s => s.ExecuteAsync("""
            UPDATE surveys SET status = 'completed', attempts = 2, first_sent_at = @sent, last_sent_at = @reminded, completed_at = @reminded
            WHERE timepoint = 'day3' AND enrollment_id IN (SELECT id FROM enrollments WHERE external_id = 'EHR-1')
            """, new { sent = now.AddDays(-1), reminded = now.AddHours(-2) }));

        var counts = await scheduling.Client.GetFromJsonAsync<List<EnrollmentCount>>($"/api/reports/enrollments?from={from}", Json.Options);
        var funnel = await scheduling.Client.GetFromJsonAsync<List<FunnelStage>>($"/api/reports/delivery-funnel?from={from}&procedureType=cementoplasty", Json.Options);
        using var bad = await scheduling.Client.GetAsync("/api/reports/delivery-funnel?from=yesterday");

        Assert.Equal([("cementoplasty", 1L), ("kyphoplasty", 1L)], counts!.Select(c => (c.ProcedureType, c.Count)));
        var day3 = funnel!.Single(f => f.Timepoint == "day3");
        Assert.Equal((1L, 1L, 1L, 1L), (day3.Sent, day3.Reminded, day3.Answered, day3.AnsweredAfterReminder));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public void The_migrations_fold_names_exactly_as_the_query_is_folded()
    {
        foreach (var dialect in new[] { "postgres", "sqlite" })
        {
            var sql = File.ReadAllText(Path.Combine(TestInfrastructure.RepositoryRoot, "services", "PainPro.Scheduling", "Migrations", dialect, "0005_patient_search.sql"));
            var replacements = Replacement().Matches(sql).Select(m => (From: m.Groups[1].Value, To: m.Groups[2].Value)).ToList();
            // Every letter of Latin-1 and Latin Extended-A that Fold changes is replaced, and replaced the same way.
            var expected = Enumerable.Range(0xC0, 0x180 - 0xC0).Select(c => ((char)c).ToString())
                .Where(c => char.IsLetter(c[0]) && PatientSearch.Fold(c) != c)
                .Select(c => (c, PatientSearch.Fold(c)))
                .ToList();
            Assert.Equal(expected.OrderBy(e => e.c, StringComparer.Ordinal), replacements.OrderBy(r => r.From, StringComparer.Ordinal));
        }
        Assert.Equal("lucia munoz ibanez soren lukasiewicz strasse aeroe", PatientSearch.Fold("Lucía Muñoz Ibáñez Søren Łukasiewicz Straße Ærøe"));
    }

    [GeneratedRegex(@"'(.)', '([^']+)'\)")]
    private static partial Regex Replacement();
}
