using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using PainPro.Contracts;
using PainPro.Scheduling.Intake;
using PainPro.Scheduling.Tests.Support;
using PainPro.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PainPro.Scheduling.Tests.Intake;

public class CsvImportTests(ITestOutputHelper output)
{
    private const string Header =
        "externalId,mrn,givenName,familyName,phone,email,preferredChannel,locale,timeZone,procedureType,bodySite,performedAt,facility,surgeon,baselineVas,baselineRecordedAt";

    /// <summary>Ten kinds of bad row, each with the words its reason must contain.</summary>
    private static readonly (Func<int, string, string> Row, string Reason)[] BadRows =
    [
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,555-0100,,sms,en,America/New_York,cementoplasty,femur,{at},Main,,,", "phone"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,appendectomy,femur,{at},Main,,,", "procedureType"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,cementoplasty,elbow,{at},Main,,,", "bodySite"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,Moon/Base,cementoplasty,femur,{at},Main,,,", "timeZone"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,cementoplasty,femur,2019-01-01T10:00:00Z,Main,,,", "performedAt"),
        ((i, at) => $"BAD-{i},,Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,cementoplasty,femur,{at},Main,,,", "mrn"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,,,email,en,America/New_York,cementoplasty,femur,{at},Main,,,", "email"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,cementoplasty,femur,{at},Main,,eight,", "baselineVas"),
        ((i, at) => $"BAD-{i},M{i},Ana,Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,cementoplasty,femur,{at},Main", "fields"),
        ((i, at) => $"BAD-{i},M{i},\"Ana\"x\",Ruiz,+15550100{i % 1000:D3},,sms,en,America/New_York,cementoplasty,femur,{at},Main,,,", "quote"),
    ];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Importing_10000_rows_with_100_bad_ones_creates_9900_enrollments_and_reports_each_bad_row(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var performedAt = scheduling.Now.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        var csv = new StringBuilder(Header).Append('\n');
        var expectedBad = new Dictionary<int, string>(); // spreadsheet row -> reason keyword
        for (var i = 0; i < 10_000; i++)
        {
            var row = i + 2;
            if (i % 100 == 37)
            {
                var (bad, reason) = BadRows[i / 100 % BadRows.Length];
                csv.Append(bad(i, performedAt)).Append('\n');
                expectedBad[row] = reason;
                continue;
            }
            csv.Append(CultureInfo.InvariantCulture,
                $"CSV-{i},MRN{i:D6},Patient{i},\"Doe, Jr\",+1555{i:D7},,sms,en,America/New_York,cementoplasty,femur,{performedAt},Main,Dr. Lee,{i % 11},\n");
        }

        var clock = Stopwatch.StartNew();
        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        var response = await scheduling.Client.PostAsync("/api/procedures/import", content);
        output.WriteLine($"{provider}: imported 10,000 rows in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
        Assert.Equal((9_900, 0, 100), (report.Created, report.Duplicates, report.Errors));
        var errors = report.Rows.Where(r => r.Result == ImportResults.Error).ToDictionary(r => r.Row);
        Assert.Equal(expectedBad.Keys.Order(), errors.Keys.Order());
        Assert.All(expectedBad, bad => Assert.Contains(bad.Value, errors[bad.Key].Reason!, StringComparison.OrdinalIgnoreCase));
        Assert.All(report.Rows.Where(r => r.Result == ImportResults.Created), r => Assert.NotNull(r.EnrollmentId));

        Assert.Equal(9_900, await scheduling.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM enrollments")));
        Assert.Equal(9_900, (await scheduling.OutboxAsync<EnrollmentCreated>()).Count);
    }

    [Fact]
    public async Task Importing_the_same_file_again_reports_duplicates_and_a_changed_row_as_an_error()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var at = scheduling.Now.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        string Row(string id, string surgeon) => $"{id},{id},Ana,Ruiz,+15551230001,,sms,en,Europe/London,fixation,tibia,{at},Main,{surgeon},,";
        var file = string.Join('\n', Header, Row("R-1", "Dr. Lee"), Row("R-2", "Dr. Lee"), Row("R-1", "Dr. Lee"));

        var first = await ImportAsync(scheduling, file);
        var again = await ImportAsync(scheduling, string.Join('\n', Header, Row("R-1", "Dr. Lee"), Row("R-2", "Dr. Kim")));

        Assert.Equal([ImportResults.Created, ImportResults.Created, ImportResults.Duplicate], first.Rows.Select(r => r.Result));
        Assert.Equal(first.Rows[0].EnrollmentId, first.Rows[2].EnrollmentId);
        Assert.Equal([ImportResults.Duplicate, ImportResults.Error], again.Rows.Select(r => r.Result));
        Assert.Contains("different details", again.Rows[1].Reason);
    }

    [Fact]
    public async Task A_file_without_the_required_columns_or_not_sent_as_CSV_is_refused()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);

        using var noMrn = new StringContent("externalId,givenName\nX,Ana\n", Encoding.UTF8, "text/csv");
        var missingColumns = await scheduling.Client.PostAsync("/api/procedures/import", noMrn);
        using var json = new StringContent("{}", Encoding.UTF8, "application/json");
        var wrongType = await scheduling.Client.PostAsync("/api/procedures/import", json);

        Assert.Equal(HttpStatusCode.BadRequest, missingColumns.StatusCode);
        Assert.Contains("mrn", await missingColumns.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }

    private static async Task<ImportReport> ImportAsync(SchedulingHost scheduling, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var response = await scheduling.Client.PostAsync("/api/procedures/import", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
    }
}
