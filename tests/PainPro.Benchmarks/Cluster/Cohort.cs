using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

namespace PainPro.Benchmarks.Cluster;

/// <summary>One synthetic patient of the benchmark cohort. Its phone number is never printed.</summary>
public sealed record CohortPatient(int Index, string ExternalId, string Phone)
{
    public Guid EnrollmentId { get; set; }
}

/// <summary>
/// A synthetic cohort whose day-3 survey falls due at one chosen instant, in a zone where that instant is inside
/// the send window; registered through Scheduling's CSV import, the bulk intake an integration engine would use.
/// </summary>
public sealed partial class Cohort
{
    private const int RowsPerImport = 2_000;
    private static readonly string[] GivenNames = ["Ana", "John", "María", "Wei", "Fatima", "Liam", "Sofía", "Noah", "Olga", "Kwame"];

    private Cohort(IReadOnlyList<CohortPatient> patients, DateTimeOffset dayThreeDueAt, TimeZoneInfo zone)
    {
        Patients = patients;
        DayThreeDueAt = dayThreeDueAt;
        Zone = zone;
    }

    public IReadOnlyList<CohortPatient> Patients { get; }
    public DateTimeOffset DayThreeDueAt { get; }
    public TimeZoneInfo Zone { get; }

    /// <param name="runTag">Keeps external ids and phones of different runs apart.</param>
    public static Cohort Create(int size, DateTimeOffset dayThreeDueAt, int runTag)
    {
        var zone = SendWindowZone.Around1PmAt(dayThreeDueAt);
        var patients = Enumerable.Range(0, size)
            .Select(i => new CohortPatient(i, $"BENCH-{runTag}-{i:D7}", $"+1555{(runTag % 100):D2}{i:D5}"))
            .ToList();
        if (size > 100_000) throw new ArgumentOutOfRangeException(nameof(size), "Phone numbers are unique up to 100,000 patients per run.");
        return new Cohort(patients, dayThreeDueAt, zone);
    }

    /// <summary>Registers every patient; returns the wall time the imports took.</summary>
    public async Task<TimeSpan> ImportAsync(HttpClient scheduling, CancellationToken ct)
    {
        var byExternalId = Patients.ToDictionary(p => p.ExternalId);
        var clock = Stopwatch.StartNew();
        foreach (var chunk in Patients.Chunk(RowsPerImport))
        {
            using var content = new StringContent(Csv(chunk), Encoding.UTF8, "text/csv");
            using var response = await scheduling.PostAsync("/api/procedures/import", content, ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"CSV import answered {(int)response.StatusCode}: {Redact(await response.Content.ReadAsStringAsync(ct))}");
            var report = await response.Content.ReadFromJsonAsync<ImportReport>(ct)
                ?? throw new InvalidOperationException("CSV import answered an empty body.");
            if (report.Created != chunk.Length)
            {
                var firstError = report.Rows.FirstOrDefault(r => r.Result != "created");
                throw new InvalidOperationException(
                    $"CSV import created {report.Created} of {chunk.Length} enrollments; first problem: {Redact(firstError?.Reason ?? firstError?.Result ?? "?")}");
            }
            foreach (var row in report.Rows)
                byExternalId[row.ExternalId!].EnrollmentId = row.EnrollmentId ?? throw new InvalidOperationException("An import row has no enrollment id.");
        }
        return clock.Elapsed;
    }

    private string Csv(IEnumerable<CohortPatient> chunk)
    {
        // Day 3 is the procedure's local date + 3 at its local time of day, so the procedure goes 3 local days earlier.
        var localDue = TimeZoneInfo.ConvertTime(DayThreeDueAt, Zone).DateTime;
        var localPerformed = localDue.AddDays(-3);
        var performedAt = new DateTimeOffset(localPerformed, Zone.GetUtcOffset(localPerformed));
        var performed = performedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var baselineAt = performedAt.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        var csv = new StringBuilder("externalId,mrn,givenName,familyName,phone,email,preferredChannel,locale,timeZone,procedureType,bodySite,performedAt,facility,surgeon,baselineVas,baselineRecordedAt\n");
        foreach (var p in chunk)
        {
            var locale = p.Index % 4 == 3 ? "es" : "en";
            csv.Append(CultureInfo.InvariantCulture,
                $"{p.ExternalId},{p.ExternalId},{GivenNames[p.Index % GivenNames.Length]},Benchmark,{p.Phone},,sms,{locale},{Zone.Id},cementoplasty,femur,{performed},Main,,6,{baselineAt}\n");
        }
        return csv.ToString();
    }

    /// <summary>Error texts may quote the row; phone numbers never reach the output.</summary>
    public static string Redact(string text) => PhoneLike().Replace(text, "+…");

    [GeneratedRegex(@"\+?\d{7,}")]
    private static partial Regex PhoneLike();

    private sealed record ImportReport(int Created, int Duplicates, int Errors, List<ImportRow> Rows);

    private sealed record ImportRow(int Row, string? ExternalId, string Result, Guid? EnrollmentId, string? Reason);
}
