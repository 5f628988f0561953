using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// A survey with answers the FHIR API shows: completed, or closed part-answered. Read-only SQL over Ingestion's
/// tables (surveys, responses, enrollments) and the FHIR identifiers.
/// </summary>
/// <param name="LastUpdated">The latest change: the newest current answer, or the window's closing if later.</param>
/// <param name="Effective">When the patient reported it: completion, or the last answer of a survey left unfinished.</param>
public sealed record SurveyResult
{
    public Guid Id { get; init; }
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public string Timepoint { get; init; } = "";
    public string Instruments { get; init; } = "";
    public string Locale { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? CompletedAt { get; init; }
    public int? BaselineVas { get; init; }
    public string? Mrn { get; init; }
    public DateTimeOffset LastUpdated { get; init; }
    public DateTimeOffset Effective { get; init; }

    public IReadOnlyList<string> InstrumentCodes => Instruments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>One current answer; <see cref="IsRevised"/> when it has an earlier version.</summary>
public sealed record AnswerRow
{
    public Guid SurveyId { get; init; }
    public string Item { get; init; } = "";
    public int Value { get; init; }
    public string Source { get; init; } = "";
    public DateTimeOffset AnsweredAt { get; init; }
    public string? EnteredBy { get; init; }
    /// <summary>1 when the answer has an earlier version (<see cref="AnswerVersions.Revised"/>).</summary>
    public int Revised { get; init; }

    public bool IsRevised => Revised != 0;
}

/// <summary>An enrollment as Ingestion knows it: enough for a Patient and a Procedure resource.</summary>
public sealed record EnrollmentRow
{
    public Guid Id { get; init; }
    public Guid PatientId { get; init; }
    public string ProcedureType { get; init; } = "";
    public string BodySite { get; init; } = "";
    public string Facility { get; init; } = "";
    public DateTimeOffset PerformedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? Mrn { get; init; }
    public string? ExternalId { get; init; }
}

public sealed record AlertRow
{
    public Guid Id { get; init; }
    public Guid EnrollmentId { get; init; }
    public Guid PatientId { get; init; }
    public Guid SurveyId { get; init; }
    public string Rules { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Summary { get; init; } = "";
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? Outcome { get; init; }
    public string? ResolutionNote { get; init; }
    public string? Mrn { get; init; }
}

/// <summary>Which survey results a search wants, in SQL terms. Every value travels as a parameter.</summary>
public sealed class ResultQuery
{
    private readonly List<string> inner = [];
    private readonly List<string> outer = [];

    public Dapper.DynamicParameters Parameters { get; } = new();

    /// <summary>A condition on the survey row (aliases <c>s</c>, <c>e</c>, <c>f</c>).</summary>
    public void Where(string condition) => inner.Add(condition);

    /// <summary>A condition on the computed columns (<c>x.LastUpdated</c>, <c>x.Effective</c>, <c>x.Id</c> …).</summary>
    public void WhereComputed(string condition) => outer.Add(condition);

    public string Parameter(object? value)
    {
        var name = "p" + Parameters.ParameterNames.Count();
        Parameters.Add(name, value);
        return "@" + name;
    }

    /// <summary>The results, ordered by <paramref name="orderBy"/> (<c>LastUpdated</c> or <c>Effective</c>) then id.</summary>
    public string Sql(SqlDialect dialect, string orderBy, int take)
    {
        Parameters.Add("take", take);
        var innerWhere = string.Concat(inner.Select(c => $" AND ({c})"));
        var outerWhere = outer.Count == 0 ? "" : "WHERE " + string.Join(" AND ", outer.Select(c => $"({c})"));
        return $"""
        SELECT * FROM (
            SELECT y.*,
                   CASE WHEN y.ExpiredAt IS NOT NULL AND y.ExpiredAt > y.LastAnswer THEN y.ExpiredAt ELSE y.LastAnswer END AS LastUpdated,
                   COALESCE(y.CompletedAt, y.LastAnswer) AS Effective
            FROM (
                SELECT s.id AS Id, s.enrollment_id AS EnrollmentId, s.patient_id AS PatientId, s.timepoint AS Timepoint,
                       s.instruments AS Instruments, s.locale AS Locale, s.status AS Status, s.completed_at AS CompletedAt,
                       s.expired_at AS ExpiredAt, e.baseline_vas AS BaselineVas, f.mrn AS Mrn,
                       (SELECT MAX(r.answered_at) FROM responses r WHERE r.survey_id = s.id AND {AnswerVersions.CurrentAnswer}) AS LastAnswer
                FROM surveys s
                LEFT JOIN enrollments e ON e.id = s.enrollment_id
                LEFT JOIN fhir_identifiers f ON f.enrollment_id = s.enrollment_id
                WHERE s.status IN ('completed', 'expired'){innerWhere}
            ) y
            WHERE y.LastAnswer IS NOT NULL
        ) x
        {outerWhere}
        ORDER BY x.{orderBy}, x.Id
        {dialect.Limit("@take")}
        """;
    }
}

/// <summary>The reads behind the FHIR API.</summary>
public static class FhirQueries
{
    /// <summary>A current answer of the item exists (alias <c>s</c> for the survey).</summary>
    public static string HasAnswer(string itemPattern) =>
        $"EXISTS (SELECT 1 FROM responses r WHERE r.survey_id = s.id AND r.item LIKE '{itemPattern}' AND {AnswerVersions.CurrentAnswer})";

    public static async Task<IReadOnlyList<SurveyResult>> ResultsAsync(DbSession session, ResultQuery query, string orderBy, int take) =>
        [.. await session.QueryAsync<SurveyResult>(query.Sql(session.Dialect, orderBy, take), query.Parameters)];

    public static async Task<ILookup<Guid, AnswerRow>> AnswersAsync(DbSession session, IEnumerable<Guid> surveyIds)
    {
        var ids = surveyIds.Distinct().ToList();
        if (ids.Count == 0) return Array.Empty<AnswerRow>().ToLookup(a => a.SurveyId);
        var rows = await session.QueryAsync<AnswerRow>(
            $"""
            SELECT r.survey_id AS SurveyId, r.item AS Item, r.value AS Value, r.source AS Source, r.answered_at AS AnsweredAt,
                   r.entered_by AS EnteredBy, CASE WHEN {AnswerVersions.Revised} THEN 1 ELSE 0 END AS Revised
            FROM responses r
            WHERE {session.Dialect.InGuids("r.survey_id", ids)} AND {AnswerVersions.CurrentAnswer}
            """);
        return rows.ToLookup(a => a.SurveyId);
    }

    private const string EnrollmentColumns = """
        SELECT e.id AS Id, e.patient_id AS PatientId, e.procedure_type AS ProcedureType, e.body_site AS BodySite,
               e.facility AS Facility, e.performed_at AS PerformedAt, e.created_at AS CreatedAt, f.mrn AS Mrn,
               f.external_id AS ExternalId
        FROM enrollments e LEFT JOIN fhir_identifiers f ON f.enrollment_id = e.id
        """;

    public static Task<EnrollmentRow?> EnrollmentAsync(DbSession session, Guid enrollmentId) =>
        session.QuerySingleOrDefaultAsync<EnrollmentRow>($"{EnrollmentColumns} WHERE e.id = @enrollmentId", new { enrollmentId });

    public static async Task<IReadOnlyList<EnrollmentRow>> EnrollmentsOfPatientAsync(DbSession session, Guid patientId) =>
        [.. await session.QueryAsync<EnrollmentRow>($"{EnrollmentColumns} WHERE e.patient_id = @patientId ORDER BY e.performed_at, e.id", new { patientId })];

    public static async Task<IReadOnlyList<AlertRow>> AlertsAsync(DbSession session, IEnumerable<Guid> enrollmentIds) =>
        [.. await session.QueryAsync<AlertRow>(
            $"""
            SELECT a.id AS Id, a.enrollment_id AS EnrollmentId, a.patient_id AS PatientId, a.survey_id AS SurveyId, a.rules AS Rules,
                   a.severity AS Severity, a.summary AS Summary, a.raised_at AS RaisedAt, a.updated_at AS UpdatedAt,
                   a.acknowledged_at AS AcknowledgedAt, a.acknowledged_by AS AcknowledgedBy, a.resolved_at AS ResolvedAt,
                   a.resolved_by AS ResolvedBy, a.outcome AS Outcome, a.resolution_note AS ResolutionNote, f.mrn AS Mrn
            FROM alerts a LEFT JOIN fhir_identifiers f ON f.enrollment_id = a.enrollment_id
            WHERE {session.Dialect.InGuids("a.enrollment_id", enrollmentIds)}
            ORDER BY a.raised_at, a.id
            """)];

    /// <summary>Every instrument list a stored survey uses (a configured protocol may use shapes beyond the standard four).</summary>
    public static async Task<IReadOnlyList<string>> InstrumentListsAsync(DbSession session) =>
        [.. await session.QueryAsync<string>("SELECT DISTINCT instruments FROM surveys")];
}
