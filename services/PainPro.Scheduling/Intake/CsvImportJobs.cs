using Dapper;
using Hangfire;
using Microsoft.Extensions.Logging;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Intake;

public static class ImportStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>
/// A CSV import as <c>GET /api/procedures/imports/{id}</c> shows it: where it is (<c>rowsDone</c> of
/// <c>totalRows</c>), its counts so far, and — once completed — every row's result, as the synchronous import answers.
/// </summary>
public sealed record ImportStatus(
    Guid ImportId, string Status, int TotalRows, int RowsDone, int Created, int Duplicates, int Errors,
    DateTimeOffset SubmittedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Failure,
    IReadOnlyList<ImportRow>? Rows);

/// <summary>
/// Large CSV imports as Hangfire background jobs (queue <c>scheduling</c>): the upload is stored, the job imports it
/// batch by batch through the same <see cref="CsvImporter"/> as a small file, recording each batch's rows and the
/// progress after the batch, and resumes after the last recorded batch if it was interrupted (a restart, a lost
/// worker). Registration is idempotent by external id, so a batch interrupted between its commit and its progress
/// record is imported again harmlessly: its rows then read <c>duplicate</c>, with the same enrollments.
/// </summary>
public sealed class CsvImportJobs(SchedulingDb db, CsvImporter importer, IBackgroundJobClientV2 jobs, ILogger<CsvImportJobs> logger)
{
    /// <summary>Stores the upload and enqueues its import; returns the import's id.</summary>
    public async Task<Guid> SubmitAsync(byte[] file, int totalRows, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await db.InTransactionAsync(session => session.ExecuteAsync(
            // "file" quoted: FILE is a T-SQL keyword (so is its alias, File).
            """INSERT INTO csv_imports (id, status, "file", total_rows, submitted_at) VALUES (@id, @status, @file, @totalRows, @now)""",
            new { id, status = ImportStatuses.Queued, file, totalRows, now = session.Clock.GetUtcNow() }), ct);
        jobs.Enqueue<CsvImportJobs>(SchedulingExtensions.ServiceName, j => j.RunAsync(id, CancellationToken.None));
        logger.LogInformation("CSV import {ImportId} of {Rows} rows queued as a background job", id, totalRows);
        return id;
    }

    [AutomaticRetry(Attempts = 3)]
    [System.ComponentModel.DisplayName("scheduling: CSV import {0}")]
    public async Task RunAsync(Guid importId, CancellationToken ct)
    {
        var import = await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<PendingImport>(
            """SELECT status AS Status, "file" AS "File", rows_done AS RowsDone FROM csv_imports WHERE id = @importId""", new { importId }), ct);
        if (import is not { File: { } file } || import.Status is ImportStatuses.Completed or ImportStatuses.Failed) return;

        await db.InTransactionAsync(session => session.ExecuteAsync(
            "UPDATE csv_imports SET status = @running, started_at = COALESCE(started_at, @now) WHERE id = @importId",
            new { running = ImportStatuses.Running, now = session.Clock.GetUtcNow(), importId }), ct);
        try
        {
            using var body = new MemoryStream(file, writable: false);
            await importer.ImportAsync(body, import.RowsDone, (rows, token) => RecordBatchAsync(importId, rows, token), ct);
            await FinishAsync(importId, ImportStatuses.Completed, failure: null, ct);
            logger.LogInformation("CSV import {ImportId} completed", importId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not System.Data.Common.DbException)
        {
            // Not a fault that a retry could cure (the database being away is; that one goes back to Hangfire).
            logger.LogError(ex, "CSV import {ImportId} failed", importId);
            await FinishAsync(importId, ImportStatuses.Failed, $"The import stopped: {ex.GetType().Name}. Rows recorded so far stay imported.", ct);
        }
    }

    private Task RecordBatchAsync(Guid importId, IReadOnlyList<ImportRow> rows, CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        foreach (var chunk in rows.Chunk(session.Dialect.RowsPerStatement))
        {
            // WHERE true: SQLite needs it to tell the SELECT from the upsert's ON CONFLICT.
            var (table, parameters) = session.Dialect.Rows("batch", chunk,
                RowColumn.Of<ImportRow, int>("row", r => r.Row),
                RowColumn.Of<ImportRow, string?>("external_id", r => r.ExternalId),
                RowColumn.Of<ImportRow, string>("result", r => r.Result),
                RowColumn.Of<ImportRow, Guid?>("enrollment_id", r => r.EnrollmentId),
                RowColumn.Of<ImportRow, string?>("reason", r => r.Reason));
            parameters.Add("importId", importId);
            await session.ExecuteAsync(session.Dialect.IsSqlServer
                ? $"""
                  WITH {table}
                  MERGE csv_import_rows WITH (HOLDLOCK) AS r USING batch AS b ON r.import_id = @importId AND r.row = b.row
                  WHEN MATCHED THEN UPDATE SET result = b.result, enrollment_id = b.enrollment_id, reason = b.reason
                  WHEN NOT MATCHED THEN INSERT (import_id, row, external_id, result, enrollment_id, reason)
                      VALUES (@importId, b.row, b.external_id, b.result, b.enrollment_id, b.reason);
                  """
                : $"""
                WITH {table}
                INSERT INTO csv_import_rows (import_id, row, external_id, result, enrollment_id, reason)
                SELECT @importId, row, external_id, result, enrollment_id, reason FROM batch WHERE true
                ON CONFLICT (import_id, row) DO UPDATE SET result = excluded.result, enrollment_id = excluded.enrollment_id, reason = excluded.reason
                """, parameters);
        }
        await session.ExecuteAsync(
            """
            UPDATE csv_imports SET rows_done = rows_done + @count, created = created + @created,
                duplicates = duplicates + @duplicates, errors = errors + @errors
            WHERE id = @importId
            """,
            new
            {
                importId, count = rows.Count,
                created = rows.Count(r => r.Result == ImportResults.Created),
                duplicates = rows.Count(r => r.Result == ImportResults.Duplicate),
                errors = rows.Count(r => r.Result == ImportResults.Error),
            });
    }, ct);

    // The upload names patients: it is dropped as soon as the import ends, whichever way.
    private Task FinishAsync(Guid importId, string status, string? failure, CancellationToken ct) => db.InTransactionAsync(session => session.ExecuteAsync(
        """UPDATE csv_imports SET status = @status, failure = @failure, "file" = NULL, finished_at = @now WHERE id = @importId""",
        new { status, failure, now = session.Clock.GetUtcNow(), importId }), ct);

    public Task<ImportStatus?> GetAsync(Guid importId, CancellationToken ct) => db.ReadAsync(async c =>
    {
        var import = await c.QuerySingleOrDefaultAsync<ImportRecord>(
            """
            SELECT id AS ImportId, status AS Status, total_rows AS TotalRows, rows_done AS RowsDone, created AS Created,
                   duplicates AS Duplicates, errors AS Errors, submitted_at AS SubmittedAt, started_at AS StartedAt,
                   finished_at AS FinishedAt, failure AS Failure
            FROM csv_imports WHERE id = @importId
            """, new { importId });
        if (import is null) return null;
        IReadOnlyList<ImportRow>? rows = null;
        if (import.Status == ImportStatuses.Completed)
            rows = (await c.QueryAsync<ImportRowRecord>(
                "SELECT row AS Row, external_id AS ExternalId, result AS Result, enrollment_id AS EnrollmentId, reason AS Reason FROM csv_import_rows WHERE import_id = @importId ORDER BY row",
                new { importId })).Select(r => new ImportRow(r.Row, r.ExternalId, r.Result, r.EnrollmentId, r.Reason)).ToList();
        return new ImportStatus(import.ImportId, import.Status, import.TotalRows, import.RowsDone, import.Created, import.Duplicates,
            import.Errors, import.SubmittedAt, import.StartedAt, import.FinishedAt, import.Failure, rows);
    }, ct);

    private sealed class PendingImport
    {
        public string Status { get; init; } = "";
        public byte[]? File { get; init; }
        public int RowsDone { get; init; }
    }

    private sealed class ImportRecord
    {
        public Guid ImportId { get; init; }
        public string Status { get; init; } = "";
        public int TotalRows { get; init; }
        public int RowsDone { get; init; }
        public int Created { get; init; }
        public int Duplicates { get; init; }
        public int Errors { get; init; }
        public DateTimeOffset SubmittedAt { get; init; }
        public DateTimeOffset? StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
        public string? Failure { get; init; }
    }

    private sealed class ImportRowRecord
    {
        public int Row { get; init; }
        public string? ExternalId { get; init; }
        public string Result { get; init; } = "";
        public Guid? EnrollmentId { get; init; }
        public string? Reason { get; init; }
    }
}

/// <summary>Deletes finished imports (their report rows included) a week after they ended.</summary>
public sealed class FinishedImportsPurge(SchedulingDb db) : IDueWork
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(7);

    public string Name => "scheduling: delete CSV import reports a week old";

    public Task<int> RunDueAsync(CancellationToken ct) => db.InTransactionAsync(async session =>
    {
        var before = session.Clock.GetUtcNow() - KeptFor;
        var old = (await session.QueryAsync<Guid>(
            $"SELECT id FROM csv_imports WHERE finished_at IS NOT NULL AND finished_at < @before ORDER BY finished_at {session.Dialect.Limit("100")}",
            new { before })).ToList();
        if (old.Count == 0) return 0;
        await session.ExecuteAsync($"DELETE FROM csv_import_rows WHERE {session.Dialect.InGuids("import_id", old)}");
        await session.ExecuteAsync($"DELETE FROM csv_imports WHERE {session.Dialect.InGuids("id", old)}");
        return old.Count;
    }, ct);
}
