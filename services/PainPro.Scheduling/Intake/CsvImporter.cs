using System.Globalization;
using System.Text.Json.Serialization;
using CsvHelper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PainPro.Scheduling.Intake;

public static class ImportResults
{
    public const string Created = "created";
    public const string Duplicate = "duplicate";
    public const string Error = "error";
}

/// <param name="Row">The row as a spreadsheet numbers it: the header is row 1, the first procedure row 2.</param>
public sealed record ImportRow(
    int Row,
    string? ExternalId,
    string Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? EnrollmentId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

public sealed record ImportReport(int Created, int Duplicates, int Errors, IReadOnlyList<ImportRow> Rows);

public sealed record ImportResult(ImportReport Report, IReadOnlyList<string> MissingColumns);

/// <summary>
/// <c>POST /api/procedures/import</c>: one procedure per CSV row, validated exactly like the JSON endpoint, written
/// in batches of <see cref="SchedulingOptions.ImportBatchSize"/> rows per transaction. A bad row is reported with its
/// reason and never blocks the good ones: if a batch fails as a whole, its rows are retried one by one.
/// </summary>
public sealed class CsvImporter(
    RegistrationValidator validator,
    EnrollmentRegistrar registrar,
    SchedulingDb db,
    IOptions<SchedulingOptions> options,
    ILogger<CsvImporter> logger)
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "externalId", "mrn", "givenName", "familyName", "phone", "email", "preferredChannel", "locale", "timeZone",
        "procedureType", "bodySite", "performedAt", "facility", "surgeon", "baselineVas", "baselineRecordedAt",
    ];

    private static readonly string[] RequiredColumns =
        ["externalId", "mrn", "givenName", "familyName", "procedureType", "bodySite", "performedAt", "facility"];

    /// <summary>Validation speaks in JSON paths; a CSV user thinks in columns.</summary>
    private static readonly Dictionary<string, string> ColumnOfField = new()
    {
        ["patient.mrn"] = "mrn", ["patient.givenName"] = "givenName", ["patient.familyName"] = "familyName",
        ["patient.phone"] = "phone", ["patient.email"] = "email", ["patient.preferredChannel"] = "preferredChannel",
        ["patient.locale"] = "locale", ["patient.timeZone"] = "timeZone", ["procedure.type"] = "procedureType",
        ["procedure.bodySite"] = "bodySite", ["procedure.performedAt"] = "performedAt", ["procedure.facility"] = "facility",
        ["procedure.surgeon"] = "surgeon", ["baseline.vas"] = "baselineVas", ["baseline.recordedAt"] = "baselineRecordedAt",
    };

    private sealed record ParsedRow(int Row, string? ExternalId, Registration? Registration, string? Error);

    /// <summary>Imports the whole file now and answers with every row's result (the synchronous contract).</summary>
    public async Task<ImportResult> ImportAsync(Stream body, CancellationToken ct)
    {
        var results = new List<ImportRow>();
        var missing = await ImportAsync(body, skipRows: 0, (rows, _) => { results.AddRange(rows); return Task.CompletedTask; }, ct);
        if (missing.Count > 0) return new ImportResult(new ImportReport(0, 0, 0, []), missing);

        var report = new ImportReport(
            results.Count(r => r.Result == ImportResults.Created),
            results.Count(r => r.Result == ImportResults.Duplicate),
            results.Count(r => r.Result == ImportResults.Error),
            results);
        logger.LogInformation("CSV import: {Created} created, {Duplicates} duplicates, {Errors} errors",
            report.Created, report.Duplicates, report.Errors);
        return new ImportResult(report, []);
    }

    /// <summary>
    /// Imports the file batch by batch, handing each batch's results to <paramref name="onBatch"/> once its rows are
    /// stored; the first <paramref name="skipRows"/> procedure rows are read but not imported again (a resumed job).
    /// Returns the required columns the header lacks (then nothing is imported).
    /// </summary>
    public async Task<IReadOnlyList<string>> ImportAsync(
        Stream body, int skipRows, Func<IReadOnlyList<ImportRow>, CancellationToken, Task> onBatch, CancellationToken ct)
    {
        // Records the reader had to repair (stray or unterminated quotes), by spreadsheet row; they are reported, not guessed at.
        var malformedRows = new HashSet<long>();
        await using var csv = Open(body, malformedRows);
        var (header, missing) = await ReadHeaderAsync(csv, ct);
        if (missing.Count > 0) return missing;

        var batch = new List<ParsedRow>();
        var read = 0;
        while (await csv.ReadAsync(ct))
        {
            if (read++ < skipRows) continue;
            batch.Add(Parse(csv, header, csv.Headers.Count, malformedRows));
            if (batch.Count < options.Value.ImportBatchSize) continue;
            await onBatch(await WriteAsync(batch, ct), ct);
            batch.Clear();
        }
        if (batch.Count > 0) await onBatch(await WriteAsync(batch, ct), ct);
        return [];
    }

    /// <summary>The required columns the header lacks, and how many procedure rows follow it.</summary>
    public static async Task<(IReadOnlyList<string> MissingColumns, int Rows)> SurveyAsync(Stream body, CancellationToken ct)
    {
        await using var csv = Open(body, malformedRows: null);
        var (_, missing) = await ReadHeaderAsync(csv, ct);
        if (missing.Count > 0) return (missing, 0);
        var rows = 0;
        while (await csv.ReadAsync(ct)) rows++;
        return ([], rows);
    }

    private static CsvReader Open(Stream body, HashSet<long>? malformedRows) => CsvReader.Create(body, new CsvReaderOptions
    {
        Separator = ',',
        HasHeader = true,
        TrimWhitespace = true,
        DetectSeparatorHint = false,
        OnMalformedRecord = record => malformedRows?.Add(record.RecordNumber),
    }, leaveOpen: true);

    private static async Task<(Dictionary<string, int> Header, IReadOnlyList<string> Missing)> ReadHeaderAsync(CsvReader csv, CancellationToken ct)
    {
        await csv.ReadHeaderAsync(ct);
        var header = csv.Headers
            .Select((name, index) => (name: name.Trim(), index))
            .GroupBy(h => h.name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().index, StringComparer.OrdinalIgnoreCase);
        return (header, RequiredColumns.Where(c => !header.ContainsKey(c)).ToList());
    }

    private ParsedRow Parse(CsvReader csv, Dictionary<string, int> header, int columnCount, HashSet<long> malformedRows)
    {
        var row = (int)csv.RowNumber + 1; // the header is row 1
        string? Field(string column) =>
            header.TryGetValue(column, out var index) && index < csv.FieldCount && csv.GetString(index) is { Length: > 0 } value
                ? value
                : null;

        var externalId = Field("externalId");
        if (malformedRows.Contains(row))
            return new ParsedRow(row, externalId, null, "The row is not well-formed CSV (a stray or unterminated quote).");
        if (csv.FieldCount != columnCount)
            return new ParsedRow(row, externalId, null, $"The row has {csv.FieldCount} fields; the header has {columnCount}.");

        BaselineInput? baseline = null;
        var vasText = Field("baselineVas");
        var recordedAt = Field("baselineRecordedAt");
        if (vasText is not null || recordedAt is not null)
        {
            int? vas = null;
            if (vasText is not null)
            {
                if (!int.TryParse(vasText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                    return new ParsedRow(row, externalId, null, $"baselineVas: '{vasText}' is not a whole number from 0 to 10.");
                vas = parsed;
            }
            baseline = new BaselineInput(vas, recordedAt);
        }

        var request = new ProcedureRequest(
            externalId,
            new PatientInput(Field("mrn"), Field("givenName"), Field("familyName"), Field("phone"), Field("email"),
                Field("preferredChannel"), Field("locale"), Field("timeZone")),
            new ProcedureInput(Field("procedureType"), Field("bodySite"), Field("performedAt"), Field("facility"), Field("surgeon")),
            baseline);
        var validation = validator.Validate(request);
        return validation.Registration is { } registration
            ? new ParsedRow(row, externalId, registration, null)
            : new ParsedRow(row, externalId, null, Describe(validation.Errors!));
    }

    private async Task<IReadOnlyList<ImportRow>> WriteAsync(IReadOnlyList<ParsedRow> rows, CancellationToken ct)
    {
        try
        {
            var valid = rows.Where(r => r.Registration is not null).ToList();
            var outcomes = await db.InTransactionAsync(
                session => registrar.RegisterAsync(session, valid.Select(r => r.Registration!).ToList()), ct);
            var byRow = valid.Zip(outcomes).ToDictionary(x => x.First.Row, x => x.Second);
            return rows.Select(r => byRow.TryGetValue(r.Row, out var outcome) ? ToResult(r, outcome) : Failed(r, r.Error!)).ToList();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Something only the database could object to: find the row(s) by writing each in its own transaction.
            logger.LogWarning("CSV import batch of rows {First}-{Last} failed ({Error}); retrying its rows one by one",
                rows[0].Row, rows[^1].Row, ex.GetType().Name);
            var written = new List<ImportRow>(rows.Count);
            foreach (var row in rows) written.Add(await WriteOneAsync(row, ct));
            return written;
        }
    }

    private async Task<ImportRow> WriteOneAsync(ParsedRow row, CancellationToken ct)
    {
        if (row.Registration is not { } registration) return Failed(row, row.Error!);
        for (var attempt = 1; ; attempt++)
        {
            try { return ToResult(row, await db.InTransactionAsync(session => registrar.RegisterAsync(session, registration), ct)); }
            catch (ConcurrentRegistrationException) when (attempt == 1) { /* the winner is committed now: answer as a repeat */ }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "CSV import row {Row} could not be stored", row.Row);
                return Failed(row, $"The row could not be stored ({ex.GetType().Name}).");
            }
        }
    }

    private static ImportRow ToResult(ParsedRow row, RegistrationOutcome outcome) => outcome.Result switch
    {
        RegistrationResult.Created => new ImportRow(row.Row, row.ExternalId, ImportResults.Created, outcome.EnrollmentId),
        RegistrationResult.Duplicate => new ImportRow(row.Row, row.ExternalId, ImportResults.Duplicate, outcome.EnrollmentId),
        _ => new ImportRow(row.Row, row.ExternalId, ImportResults.Error, outcome.EnrollmentId,
            $"externalId '{row.ExternalId}' is already registered with different details."),
    };

    private static ImportRow Failed(ParsedRow row, string reason) => new(row.Row, row.ExternalId, ImportResults.Error, Reason: reason);

    private static string Describe(IDictionary<string, string[]> errors) =>
        string.Join("; ", errors.Select(e => $"{ColumnOfField.GetValueOrDefault(e.Key, e.Key)}: {string.Join(" ", e.Value)}"));
}
