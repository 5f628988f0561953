using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;
using PainPro.Fhir;
using PainPro.Ingestion.Auditing;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Fhir;

/// <summary>
/// The reads of the FHIR API: searches (searchset Bundles, paged by keyset so a page never skips or repeats a result
/// while answers keep arriving), reads by id and the Patient <c>$everything</c> export. Every view of patient data is
/// audited like the JSON API's, one row per enrollment shown.
/// </summary>
public sealed class FhirApi(
    IngestionDb db, ResultResources resources, IOptions<FhirOptions> fhirOptions, IOptions<PainProOptions> painPro, TimeProvider clock)
{
    public const string ViewedFhir = "viewed-fhir";

    /// <summary>The most results one <c>$everything</c> returns; one patient has a handful of surveys per procedure.</summary>
    private const int EverythingLimit = 1000;

    private FhirOptions Options => fhirOptions.Value;

    public string BaseUrl => painPro.Value.PublicBaseUrl.TrimEnd('/') + FhirApiEndpoints.Base;

    public async Task<IResult> SearchQuestionnairesAsync(HttpContext http, CancellationToken ct)
    {
        var search = Search(http, FhirCapabilities.Questionnaire);
        var url = search.Single("url");
        if (search.Errors.Count > 0) return Invalid(search.Errors);

        var shapes = QuestionnaireCatalog.StandardShapes
            .Concat((await db.InTransactionAsync(FhirQueries.InstrumentListsAsync, ct))
                .Select(list => (IReadOnlyList<string>)list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            .Where(shape => shape.Count > 0 && shape.All(Instruments.InstrumentCatalog.IsInstrument))
            .DistinctBy(QuestionnaireCatalog.IdOf);
        var questionnaires = shapes.Select(QuestionnaireCatalog.Build);
        if (url is not null)
        {
            var (canonical, version) = url.Split('|') is [var u, var v] ? (u, v) : (url, null);
            questionnaires = questionnaires.Where(q => q.Url == canonical && (version is null || q.Version == version));
        }
        return FhirResults.Resource(Searchset(http, null, questionnaires.Select(q => (Resource)q)));
    }

    public IResult ReadQuestionnaire(string id) =>
        QuestionnaireCatalog.InstrumentsOf(id) is { } instruments
            ? FhirResults.Resource(QuestionnaireCatalog.Build(instruments))
            : NotFound("Questionnaire", id);

    public async Task<IResult> SearchResponsesAsync(HttpContext http, CancellationToken ct)
    {
        var search = Search(http, FhirCapabilities.QuestionnaireResponse);
        var query = new ResultQuery();
        FilterByPatient(search, query);
        foreach (var bound in search.Dates("_lastUpdated")) query.WhereComputed(bound.Sql("x.LastUpdated", query));
        if (search.After is { } after)
            query.WhereComputed($"x.LastUpdated > {query.Parameter(after.At)} OR (x.LastUpdated = {query.Parameter(after.At)} AND x.Id > {query.Parameter(after.Id)})");
        if (search.Errors.Count > 0) return Invalid(search.Errors);

        return await db.InTransactionAsync(async session =>
        {
            var rows = await FhirQueries.ResultsAsync(session, query, "LastUpdated", search.PageSize + 1);
            var page = rows.Take(search.PageSize).ToList();
            var answers = await FhirQueries.AnswersAsync(session, page.Select(r => r.Id));
            await AuditAsync(session, http, page.Select(r => r.EnrollmentId), "QuestionnaireResponse search");
            var next = rows.Count > search.PageSize ? new PageCursor(page[^1].LastUpdated, page[^1].Id, 0) : null;
            return FhirResults.Resource(Searchset(http, next, page.Select(r => (Resource)resources.Response(r, [.. answers[r.Id]]))));
        }, ct);
    }

    public async Task<IResult> ReadResponseAsync(HttpContext http, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var surveyId)) return NotFound("QuestionnaireResponse", id);
        return await db.InTransactionAsync(async session =>
        {
            var (survey, answers) = await SurveyAsync(session, surveyId);
            if (survey is null) return NotFound("QuestionnaireResponse", id);
            await AuditAsync(session, http, [survey.EnrollmentId], "QuestionnaireResponse read");
            return FhirResults.Resource(resources.Response(survey, answers));
        }, ct);
    }

    public async Task<IResult> SearchObservationsAsync(HttpContext http, CancellationToken ct)
    {
        var search = Search(http, FhirCapabilities.Observation);
        var query = new ResultQuery();
        FilterByPatient(search, query);
        var kinds = Enum.GetValues<ObservationKind>().ToHashSet();
        foreach (var alternatives in search.Tokens("code"))
            kinds.IntersectWith(kinds.Where(k => alternatives.Any(t => t.Matches(ResultResources.CodeOf[k].System!, ResultResources.CodeOf[k].Code!))).ToList());
        // Narrow in SQL to surveys that may yield a wanted kind; the exact answer is decided below, from the answers.
        query.Where(kinds.Count == 0 ? "1 = 0" : string.Join(" OR ", kinds.Select(KindCondition).Distinct()));
        foreach (var bound in search.Dates("date")) query.WhereComputed(bound.Sql("x.Effective", query));
        var after = search.After;
        if (after is not null)
            query.WhereComputed($"x.Effective > {query.Parameter(after.At)} OR (x.Effective = {query.Parameter(after.At)} AND x.Id >= {query.Parameter(after.Id)})");
        if (search.Errors.Count > 0) return Invalid(search.Errors);

        return await db.InTransactionAsync(async session =>
        {
            var rows = await FhirQueries.ResultsAsync(session, query, "Effective", search.PageSize + 1);
            var answers = await FhirQueries.AnswersAsync(session, rows.Select(r => r.Id));
            var found = new List<(SurveyResult Survey, ObservationKind Kind, Observation Observation)>();
            foreach (var row in rows)
            {
                foreach (var (kind, observation) in resources.Observations(row, [.. answers[row.Id]]))
                {
                    var alreadyShown = after is not null && row.Id == after.Id && (int)kind <= after.Kind;
                    if (kinds.Contains(kind) && !alreadyShown) found.Add((row, kind, observation));
                }
                if (found.Count > search.PageSize) break;
            }
            var page = found.Take(search.PageSize).ToList();
            PageCursor? next = null;
            if (found.Count > search.PageSize) next = new PageCursor(page[^1].Survey.Effective, page[^1].Survey.Id, (int)page[^1].Kind);
            else if (rows.Count > search.PageSize) next = new PageCursor(rows[^1].Effective, rows[^1].Id, int.MaxValue);
            await AuditAsync(session, http, page.Select(o => o.Survey.EnrollmentId), "Observation search");
            return FhirResults.Resource(Searchset(http, next, page.Select(o => (Resource)o.Observation)));
        }, ct);
    }

    public async Task<IResult> ReadObservationAsync(HttpContext http, string id, CancellationToken ct)
    {
        // "{survey id}-{kind}", as ResultResources.ObservationId writes it.
        if (id.Length <= 37 || !Guid.TryParse(id[..36], out var surveyId)) return NotFound("Observation", id);
        return await db.InTransactionAsync(async session =>
        {
            var (survey, answers) = await SurveyAsync(session, surveyId);
            var observation = survey is null ? null : resources.Observations(survey, answers).Select(o => o.Observation).FirstOrDefault(o => o.Id == id);
            if (observation is null) return NotFound("Observation", id);
            await AuditAsync(session, http, [survey!.EnrollmentId], "Observation read");
            return FhirResults.Resource(observation);
        }, ct);
    }

    public async Task<IResult> ReadPatientAsync(HttpContext http, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var patientId)) return NotFound("Patient", id);
        return await db.InTransactionAsync(async session =>
        {
            var enrollments = await FhirQueries.EnrollmentsOfPatientAsync(session, patientId);
            if (enrollments.Count == 0) return NotFound("Patient", id);
            await AuditAsync(session, http, enrollments.Select(e => e.Id), "Patient read");
            return FhirResults.Resource(resources.Patient(patientId, enrollments.Select(e => e.Mrn).LastOrDefault(m => m is not null)));
        }, ct);
    }

    public async Task<IResult> ReadProcedureAsync(HttpContext http, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var enrollmentId)) return NotFound("Procedure", id);
        return await db.InTransactionAsync(async session =>
        {
            var enrollment = await FhirQueries.EnrollmentAsync(session, enrollmentId);
            if (enrollment is null) return NotFound("Procedure", id);
            await AuditAsync(session, http, [enrollmentId], "Procedure read");
            return FhirResults.Resource(resources.Procedure(enrollment));
        }, ct);
    }

    /// <summary>
    /// <c>Patient/{id}/$everything</c>: the patient, each procedure, the Questionnaires answered, every
    /// QuestionnaireResponse with its Observations, and the alerts as DetectedIssues — one Bundle, no paging.
    /// </summary>
    public async Task<IResult> EverythingAsync(HttpContext http, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var patientId)) return NotFound("Patient", id);
        var search = Search(http, FhirCapabilities.Patient);
        if (search.Errors.Count > 0) return Invalid(search.Errors);
        return await db.InTransactionAsync(async session =>
        {
            var enrollments = await FhirQueries.EnrollmentsOfPatientAsync(session, patientId);
            if (enrollments.Count == 0) return NotFound("Patient", id);
            var query = new ResultQuery();
            query.Where(session.Dialect.InGuids("s.enrollment_id", enrollments.Select(e => e.Id)));
            var surveys = await FhirQueries.ResultsAsync(session, query, "Effective", EverythingLimit);
            var answers = await FhirQueries.AnswersAsync(session, surveys.Select(s => s.Id));
            var alerts = await FhirQueries.AlertsAsync(session, enrollments.Select(e => e.Id));

            var everything = new List<Resource> { resources.Patient(patientId, enrollments.Select(e => e.Mrn).LastOrDefault(m => m is not null)) };
            everything.AddRange(enrollments.Select(resources.Procedure));
            everything.AddRange(surveys.Select(s => s.InstrumentCodes).DistinctBy(QuestionnaireCatalog.IdOf).Select(QuestionnaireCatalog.Build));
            var bySurvey = new Dictionary<Guid, List<Resource>>();
            foreach (var survey in surveys)
            {
                var ofSurvey = new List<Resource> { resources.Response(survey, [.. answers[survey.Id]]) };
                ofSurvey.AddRange(resources.Observations(survey, [.. answers[survey.Id]]).Select(o => o.Observation));
                bySurvey[survey.Id] = ofSurvey;
                everything.AddRange(ofSurvey);
            }
            everything.AddRange(alerts.Select(a => resources.Issue(a, bySurvey.GetValueOrDefault(a.SurveyId) ?? [])));
            await AuditAsync(session, http, enrollments.Select(e => e.Id), "Patient $everything");
            return FhirResults.Resource(Searchset(http, null, everything));
        }, ct);
    }

    public IResult NotSupported(HttpContext http) =>
        FhirResults.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotSupported,
            $"{http.Request.Method} {http.Request.Path} is not part of this FHIR API; GET {BaseUrl}/metadata lists what is.");

    private static async Task<(SurveyResult? Survey, IReadOnlyList<AnswerRow> Answers)> SurveyAsync(DbSession session, Guid surveyId)
    {
        var query = new ResultQuery();
        query.Where($"s.id = {query.Parameter(surveyId)}");
        var survey = (await FhirQueries.ResultsAsync(session, query, "LastUpdated", 1)).SingleOrDefault();
        if (survey is null) return (null, []);
        return (survey, [.. (await FhirQueries.AnswersAsync(session, [surveyId]))[surveyId]]);
    }

    private SearchRequest Search(HttpContext http, ResourceSpec spec) =>
        SearchRequest.Read(http.Request.Query, spec.QueryKeys, Math.Clamp(Options.PageSize, 1, Options.MaxPageSize), Options.MaxPageSize);

    /// <summary><c>patient.identifier=[system|]mrn</c>: another system than the configured MRN system matches nobody.</summary>
    private void FilterByPatient(SearchRequest search, ResultQuery query)
    {
        if (search.Single("patient.identifier") is not { } value) return;
        var token = Token.Parse(value);
        if (token.Code is null) search.Errors.Add("patient.identifier needs the MRN: [system|]value.");
        else if (token.System is not null && token.System != Options.MrnSystem) query.Where("1 = 0");
        else query.Where($"f.mrn = {query.Parameter(token.Code)}");
    }

    private static string KindCondition(ObservationKind kind) => kind switch
    {
        ObservationKind.Pain => FhirQueries.HasAnswer("vas"),
        ObservationKind.MstsTotal or ObservationKind.MstsPercent => FhirQueries.HasAnswer("msts.%"),
        _ => $"s.timepoint <> 'baseline' AND {FhirQueries.HasAnswer("vas")} AND {FhirQueries.HasAnswer("analgesic")}",
    };

    private Bundle Searchset(HttpContext http, PageCursor? next, IEnumerable<Resource> found)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Timestamp = clock.GetUtcNow() };
        var path = BaseUrl + http.Request.Path.Value![FhirApiEndpoints.Base.Length..];
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = path + http.Request.QueryString });
        if (next is not null)
        {
            var query = new QueryBuilder(http.Request.Query.Where(q => q.Key != SearchRequest.Page)) { { SearchRequest.Page, next.Format() } };
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = path + query.ToQueryString() });
        }
        foreach (var resource in found)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{BaseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        return bundle;
    }

    private static async System.Threading.Tasks.Task AuditAsync(DbSession session, HttpContext http, IEnumerable<Guid> enrollmentIds, string what)
    {
        var actor = StaffActor.From(http);
        foreach (var enrollmentId in enrollmentIds.Distinct())
            await AuditLog.RecordAsync(session, actor.Name, actor.Via, ViewedFhir, enrollmentId: enrollmentId, detail: what);
    }

    private static IResult Invalid(IEnumerable<string> errors)
    {
        var outcome = new OperationOutcome();
        foreach (var error in errors)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Invalid, Diagnostics = error,
            });
        return FhirResults.Outcome(StatusCodes.Status400BadRequest, outcome);
    }

    private static IResult NotFound(string type, string id) =>
        FhirResults.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"No {type} with id '{id}'.");
}
