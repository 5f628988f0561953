using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PainPro.Ingestion.Auditing;
using PainPro.Contracts;
using PainPro.Ingestion.Responses;
using PainPro.Ingestion.Sms;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.WebForm;

/// <summary>
/// <c>GET|POST /s/{token}</c>: the web survey. The token finds the survey by its hash; unknown and closed links
/// get a clear page (404, 410), and unknown ones spend the guessing allowance (per client and in total). Answers are
/// validated on the server; a resubmission inside the window revises the earlier answers (kept as earlier versions),
/// and the change is audited. After a submission the patient sees their own pain so far (baseline → now).
/// The POST binds the form, so ASP.NET Core's antiforgery check applies to it.
/// </summary>
public static class SurveyFormEndpoints
{
    private const int MaxTokenLength = 200;
    private const string HtmlContentType = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapSurveyForm(this IEndpointRouteBuilder app)
    {
        var form = app.MapGroup("/s").AllowAnonymous().ExcludeFromDescription();
        form.MapGet("/{token}", ShowAsync);
        form.MapPost("/{token}", SubmitAsync);
        return app;
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, IngestionDb db, SurveyLinkGuard guard,
        IAntiforgery antiforgery, FacilityContacts contacts, CancellationToken ct)
    {
        var nonce = SecurityHeaders.Apply(http.Response);
        var (survey, refusal) = await FindOpenSurveyAsync(token, http, db, guard, contacts, nonce, ct);
        if (survey is null) return refusal!;

        var (answers, facility) = await db.ReadAsync(async c =>
        {
            await using var results = await c.QueryMultipleAsync("""
                SELECT item AS Item, value AS Value FROM responses WHERE survey_id = @Id AND superseded_at IS NULL;
                SELECT facility FROM enrollments WHERE id = @EnrollmentId;
                """, new { survey.Id, survey.EnrollmentId });
            return ((await results.ReadAsync<StoredAnswer>()).ToList(), (await results.ReadAsync<string?>()).SingleOrDefault());
        }, ct);
        var values = answers.ToDictionary(a => a.Item, a => a.Value.ToString(CultureInfo.InvariantCulture));
        return Html(StatusCodes.Status200OK, SurveyFormPage.Form(
            Model(survey, http, antiforgery, values, errors: [], answered: values.Count > 0, contacts.For(facility)), nonce));
    }

    private static async Task<IResult> SubmitAsync(string token, [FromForm] IFormCollection form, HttpContext http, IngestionDb db,
        SurveyLinkGuard guard, IAntiforgery antiforgery, ResponseRecorder recorder, FacilityContacts contacts, CancellationToken ct)
    {
        var nonce = SecurityHeaders.Apply(http.Response);
        var (survey, refusal) = await FindOpenSurveyAsync(token, http, db, guard, contacts, nonce, ct);
        if (survey is null) return refusal!;

        var locale = InstrumentCatalog.ResolveLocale(survey.Locale);
        var text = InstrumentTexts.WebForm(locale);
        var (answers, errors) = Validate(survey.ItemDefinitions, form, text);
        if (errors.Count > 0)
        {
            var submitted = survey.ItemDefinitions
                .Where(item => form.ContainsKey(item.Code))
                .ToDictionary(item => item.Code, item => form[item.Code].ToString());
            var facility = await FacilityOfAsync(db, survey, ct);
            return Html(StatusCodes.Status400BadRequest,
                SurveyFormPage.Form(Model(survey, http, antiforgery, submitted, errors, answered: false, contacts.For(facility)), nonce));
        }

        var outcome = await db.InTransactionAsync(async session =>
        {
            var now = session.Clock.GetUtcNow();
            // Locks the survey against a text or another submission recording at the same moment.
            var open = await session.ExecuteAsync(
                "UPDATE surveys SET last_activity_at = @now WHERE id = @Id AND status <> 'expired' AND expires_at > @now",
                new { now, survey.Id });
            if (open == 0) return null;

            var before = await ResponseRecorder.CurrentAnswersAsync(session, survey.Id);
            var recorded = await recorder.RecordAsync(session, survey, answers, ResponseSources.Web, enteredBy: null, currentAnswers: before);
            var changedItems = answers.Where(a => before.TryGetValue(a.Item, out var old) && old != a.Value).Select(a => a.Item).ToList();
            if (changedItems.Count > 0)
                await AuditLog.RecordAsync(session, "patient", via: "web-form", AuditLog.ResubmittedForm, survey.EnrollmentId, survey.Id,
                    detail: "replaced " + string.Join(",", changedItems));
            return new Submitted(before.Count > 0 && recorded.Changed > 0, await PainSoFarAsync(session, survey.EnrollmentId));
        }, ct);

        if (outcome is null)
        {
            var facility = await FacilityOfAsync(db, survey, ct);
            return Html(StatusCodes.Status410Gone, SurveyFormPage.Message(locale, text.ExpiredTitle, text.ExpiredBody, nonce, contacts.For(facility)));
        }
        var (title, body) = outcome.Replaced ? (text.UpdatedTitle, text.UpdatedBody) : (text.ThanksTitle, text.ThanksBody);
        return Html(StatusCodes.Status200OK, SurveyFormPage.Message(locale, title, body, nonce, contacts.For(outcome.Pain.Facility),
            outcome.Pain.Points, outcome.Pain.BaselineKnown));
    }

    /// <summary>The survey's facility, for whom the page tells the patient to call.</summary>
    private static Task<string?> FacilityOfAsync(IngestionDb db, SurveyRecord survey, CancellationToken ct) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<string?>("SELECT facility FROM enrollments WHERE id = @EnrollmentId", new { survey.EnrollmentId }), ct);

    private sealed record Submitted(bool Replaced, PainSoFar Pain);

    /// <summary>What the thank-you page shows: the pain before the procedure and at each timepoint answered since, in order.</summary>
    private sealed record PainSoFar(IReadOnlyList<PainPoint> Points, bool BaselineKnown, string? Facility);

    private static async Task<PainSoFar> PainSoFarAsync(DbSession session, Guid enrollmentId)
    {
        await using var results = await session.QueryMultipleAsync("""
            SELECT baseline_vas AS Vas, facility AS Facility FROM enrollments WHERE id = @enrollmentId;
            SELECT timepoint AS Timepoint, vas AS Vas FROM surveys WHERE enrollment_id = @enrollmentId AND vas IS NOT NULL AND timepoint <> 'baseline';
            """, new { enrollmentId });
        var enrollment = (await results.ReadAsync<EnrollmentPain>()).SingleOrDefault();
        var followUps = (await results.ReadAsync<TimepointPain>()).ToList();
        var order = Timepoints.All.ToList();
        var points = new List<PainPoint>();
        if (enrollment?.Vas is { } baseline) points.Add(new PainPoint(Timepoints.Baseline, baseline));
        points.AddRange(followUps.OrderBy(f => order.IndexOf(f.Timepoint)).Select(f => new PainPoint(f.Timepoint, f.Vas)));
        return new PainSoFar(points, enrollment?.Vas is not null, enrollment?.Facility);
    }

    private sealed record EnrollmentPain
    {
        public int? Vas { get; init; }
        public string? Facility { get; init; }
    }

    private sealed record TimepointPain
    {
        public string Timepoint { get; init; } = "";
        public int Vas { get; init; }
    }

    /// <summary>Every item of the survey must have exactly one whole number in its range.</summary>
    internal static (IReadOnlyList<Answer> Answers, Dictionary<string, string> Errors) Validate(
        IReadOnlyList<ItemDefinition> items, IFormCollection form, WebFormText text)
    {
        var answers = new List<Answer>();
        var errors = new Dictionary<string, string>();
        foreach (var item in items)
        {
            var values = form[item.Code];
            if (values.Count == 0 || string.IsNullOrWhiteSpace(values.ToString()))
                errors[item.Code] = text.AnswerRequired;
            else if (values.Count > 1
                || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || !item.Accepts(value))
                errors[item.Code] = text.AnswerInvalid;
            else
                answers.Add(new Answer(item.Code, value));
        }
        return (answers, errors);
    }

    private static async Task<(SurveyRecord? Survey, IResult? Refusal)> FindOpenSurveyAsync(string token, HttpContext http,
        IngestionDb db, SurveyLinkGuard guard, FacilityContacts contacts, string nonce, CancellationToken ct)
    {
        // The link is looked up first: a valid one is never throttled, whatever others did from the same address.
        var survey = token.Length is 0 or > MaxTokenLength ? null : await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<SurveyRecord>(
            $"SELECT {SurveyRecord.Columns} FROM surveys WHERE token_hash = @hash", new { hash = SurveyLinks.Hash(token) }), ct);
        if (survey is null)
        {
            var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var requestLocale = PreferredLocale(http.Request);
            var text = InstrumentTexts.WebForm(requestLocale);
            if (guard.IsBlocked(client))
            {
                http.Response.Headers.RetryAfter = "60";
                return (null, Html(StatusCodes.Status429TooManyRequests,
                    SurveyFormPage.Message(requestLocale, text.TooManyRequestsTitle, text.TooManyRequestsBody, nonce, contacts.For(null))));
            }
            guard.RecordFailedLookup(client);
            return (null, Html(StatusCodes.Status404NotFound,
                SurveyFormPage.Message(requestLocale, text.UnknownTitle, text.UnknownBody, nonce, contacts.For(null))));
        }
        // A closed survey's link is a real link an old text still holds, not a guess: it is told so and spends nothing.
        if (!survey.AcceptsPatientAnswers(db.Clock.GetUtcNow()))
        {
            var locale = InstrumentCatalog.ResolveLocale(survey.Locale);
            var text = InstrumentTexts.WebForm(locale);
            var facility = await FacilityOfAsync(db, survey, ct);
            return (null, Html(StatusCodes.Status410Gone, SurveyFormPage.Message(locale, text.ExpiredTitle, text.ExpiredBody, nonce, contacts.For(facility))));
        }
        return (survey, null);
    }

    private static FormModel Model(SurveyRecord survey, HttpContext http, IAntiforgery antiforgery,
        IReadOnlyDictionary<string, string> values, Dictionary<string, string> errors, bool answered, CareContact contact)
    {
        var locale = InstrumentCatalog.ResolveLocale(survey.Locale);
        var tokens = antiforgery.GetAndStoreTokens(http);
        return new FormModel(locale, SurveyFormPage.SectionsOf(survey.InstrumentCodes, locale), values, errors,
            tokens.FormFieldName, tokens.RequestToken!, answered, contact);
    }

    /// <summary>The first supported language the browser asks for: for pages shown before the survey (and its locale) is known.</summary>
    private static string PreferredLocale(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(language => language.Quality ?? 1)
            .Select(language => language.Value.Value?.Split('-')[0]);
        return accepted.FirstOrDefault(language => InstrumentCatalog.SupportedLocales.Contains(language, StringComparer.OrdinalIgnoreCase)) is { } found
            ? InstrumentCatalog.ResolveLocale(found)
            : InstrumentCatalog.DefaultLocale;
    }

    private static IResult Html(int status, string html) => Results.Content(html, HtmlContentType, statusCode: status);

    private sealed record StoredAnswer
    {
        public string Item { get; init; } = "";
        public int Value { get; init; }
    }
}
