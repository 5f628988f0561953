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

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Importing_10000_rows_with_100_bad_ones_creates_9900_enrollments_and_reports_each_bad_row(string provider)
    {
        // The synchronous contract, for a site that raises the limit: the whole report in the answer.
        await using var scheduling = await SchedulingHost.StartAsync(provider,
            new Dictionary<string, string?> { ["PainPro:Scheduling:ImportSynchronousRowLimit"] = "10000" });
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

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_10000_row_file_is_imported_as_a_background_job_whose_progress_the_caller_polls(string provider)
    {
        await using var scheduling = await SchedulingHost.StartAsync(provider);
        var performedAt = scheduling.Now.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        var csv = new StringBuilder(Header).Append('\n');
        var expectedBad = new HashSet<int>();
        for (var i = 0; i < 10_000; i++)
        {
            if (i % 100 == 37)
            {
                csv.Append(BadRows[i / 100 % BadRows.Length].Row(i, performedAt)).Append('\n');
                expectedBad.Add(i + 2);
                continue;
            }
            csv.Append(CultureInfo.InvariantCulture,
                $"BG-{i},MRN{i:D6},Patient{i},Doe,+1555{i:D7},,sms,en,America/New_York,cementoplasty,femur,{performedAt},Main,,{i % 11},\n");
        }

        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        var response = await scheduling.Client.PostAsync("/api/procedures/import", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        var accepted = (await response.Content.ReadFromJsonAsync<ImportStatus>(Json.Options))!;
        Assert.Equal($"/api/procedures/imports/{accepted.ImportId}", location);
        Assert.Equal(10_000, accepted.TotalRows);
        Assert.Null(accepted.Rows);

        // Poll as a caller would, until it is done: the count of rows done only grows, and shows the job part-way.
        var seen = new List<ImportStatus>();
        var clock = Stopwatch.StartNew();
        ImportStatus status;
        do
        {
            await Task.Delay(20);
            status = (await scheduling.Client.GetFromJsonAsync<ImportStatus>(location, Json.Options))!;
            seen.Add(status);
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"the import is still {status.Status} at {status.RowsDone} rows");
        } while (status.Status is ImportStatuses.Queued or ImportStatuses.Running);
        output.WriteLine($"{provider}: 10,000 rows imported in the background in {clock.Elapsed.TotalSeconds:F1} s, polled {seen.Count} times");

        Assert.Equal(ImportStatuses.Completed, status.Status);
        Assert.Equal(seen.Select(s => s.RowsDone).Order(), seen.Select(s => s.RowsDone));
        Assert.Contains(seen, s => s is { Status: ImportStatuses.Running, RowsDone: > 0 and < 10_000 });
        Assert.Equal((10_000, 9_900, 0, 100), (status.RowsDone, status.Created, status.Duplicates, status.Errors));
        Assert.Equal(10_000, status.Rows!.Count);
        Assert.Equal(expectedBad.Order(), status.Rows.Where(r => r.Result == ImportResults.Error).Select(r => r.Row));
        Assert.All(status.Rows.Where(r => r.Result == ImportResults.Created), r => Assert.NotNull(r.EnrollmentId));
        Assert.Equal(9_900, await scheduling.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM enrollments")));
        Assert.Equal(9_900, (await scheduling.OutboxAsync<EnrollmentCreated>()).Count);
        // The upload named patients: nothing of it is kept once the import ended.
        Assert.Equal(0, await scheduling.Db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM csv_imports WHERE file IS NOT NULL")));
    }

    [Fact]
    public async Task A_small_file_sent_with_Prefer_respond_async_becomes_a_background_job_and_an_unknown_import_is_404()
    {
        await using var scheduling = await SchedulingHost.StartAsync(TestDatabase.Sqlite);
        var at = scheduling.Now.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        using var content = new StringContent(
            $"{Header}\nP-1,P-1,Ana,Ruiz,+15551230001,,sms,en,Europe/London,fixation,tibia,{at},Main,,,\n", Encoding.UTF8, "text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/procedures/import") { Content = content };
        request.Headers.Add("Prefer", "respond-async");

        var response = await scheduling.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        var done = await Eventually.GetAsync(
            async () => (await scheduling.Client.GetFromJsonAsync<ImportStatus>(location, Json.Options))!,
            status => status.Status == ImportStatuses.Completed, "the import to complete");
        Assert.Equal([ImportResults.Created], done.Rows!.Select(r => r.Result));
        Assert.Equal(HttpStatusCode.NotFound, (await scheduling.Client.GetAsync($"/api/procedures/imports/{Guid.NewGuid()}")).StatusCode);
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
