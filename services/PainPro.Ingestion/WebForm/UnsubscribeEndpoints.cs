using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PainPro.Contracts;
using PainPro.Ingestion.Auditing;
using PainPro.Ingestion.Sms;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;

namespace PainPro.Ingestion.WebForm;

/// <summary>
/// The unsubscribe link of a survey email, <c>/s/{token}/unsubscribe</c>: the email's own link token names the patient,
/// so no one else's email can be stopped. GET shows a page with one button (link scanners follow links; they do not
/// press buttons); POST unsubscribes — the button, or a mail client's one-click <c>List-Unsubscribe-Post</c> (RFC 8058,
/// which carries no antiforgery token). The link keeps working after the survey closed: an old email still holds it.
/// Unsubscribing publishes <see cref="PatientUnsubscribed"/>, and Scheduling stops routing surveys to email, as it stops
/// texts after STOP. Doing it twice is harmless.
/// </summary>
public static class UnsubscribeEndpoints
{
    private const int MaxTokenLength = 200;
    private const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>The path of a survey email's unsubscribe link (Messaging puts it in the email and its headers).</summary>
    public static string PathFor(string token) => $"/s/{Uri.EscapeDataString(token)}/unsubscribe";

    private sealed record Texts(string ConfirmTitle, string ConfirmBody, string Button, string DoneTitle, string DoneBody);

    private static readonly Dictionary<string, Texts> ByLocale = new()
    {
        ["en"] = new("Stop the survey emails?",
            "You will get no more emails asking how you are doing after your procedure. Texts, if you get them, are not affected.",
            "Stop the emails",
            "You will get no more survey emails",
            "We have stopped the emails asking how you are doing. Your care team can start them again if you ask."),
        ["es"] = new("¿Dejar de recibir los correos del cuestionario?",
            "No recibirá más correos preguntando cómo se encuentra después de su procedimiento. Los mensajes de texto, si los recibe, no cambian.",
            "Dejar de recibir los correos",
            "No recibirá más correos del cuestionario",
            "Hemos dejado de enviarle los correos que preguntan cómo se encuentra. Su equipo médico puede volver a activarlos si usted lo pide."),
    };

    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/s").AllowAnonymous().ExcludeFromDescription();
        links.MapGet("/{token}/unsubscribe", ShowAsync);
        links.MapPost("/{token}/unsubscribe", UnsubscribeAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, IngestionDb db, SurveyLinkGuard guard,
        FacilityContacts contacts, CancellationToken ct)
    {
        var nonce = SecurityHeaders.Apply(http.Response);
        var found = await FindAsync(token, http, db, guard, ct);
        if (found.Survey is not { } survey) return Refused(found, contacts, nonce);
        var texts = TextsFor(survey.Locale);
        var form = $"""<form method="post" action="{System.Net.WebUtility.HtmlEncode(PathFor(token))}"><button type="submit">{System.Net.WebUtility.HtmlEncode(texts.Button)}</button></form>""";
        return Html(StatusCodes.Status200OK, SurveyFormPage.Message(InstrumentCatalog.ResolveLocale(survey.Locale), texts.ConfirmTitle,
            texts.ConfirmBody, nonce, contacts.For(found.Facility), after: form));
    }

    private static async Task<IResult> UnsubscribeAsync(string token, HttpContext http, IngestionDb db, SurveyLinkGuard guard,
        FacilityContacts contacts, CancellationToken ct)
    {
        var nonce = SecurityHeaders.Apply(http.Response);
        var found = await FindAsync(token, http, db, guard, ct);
        if (found.Survey is not { } survey) return Refused(found, contacts, nonce);
        await db.InTransactionAsync(async session =>
        {
            var now = session.Clock.GetUtcNow();
            await session.PublishAsync(new PatientUnsubscribed(survey.PatientId, Channels.Email, now));
            await AuditLog.RecordAsync(session, "patient", via: "email-link", AuditLog.UnsubscribedEmail, survey.EnrollmentId, survey.Id);
            return 0;
        }, ct);
        var texts = TextsFor(survey.Locale);
        return Html(StatusCodes.Status200OK, SurveyFormPage.Message(InstrumentCatalog.ResolveLocale(survey.Locale), texts.DoneTitle,
            texts.DoneBody, nonce, contacts.For(found.Facility)));
    }

    private sealed record Found(SurveyRecord? Survey, string? Facility, bool Blocked);

    /// <summary>The survey of the link, whatever its status; an unknown link spends the guessing allowance, as the form's do.</summary>
    private static async Task<Found> FindAsync(string token, HttpContext http, IngestionDb db, SurveyLinkGuard guard, CancellationToken ct)
    {
        var survey = token.Length is 0 or > MaxTokenLength ? null : await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<SurveyRecord>(
            $"SELECT {SurveyRecord.Columns} FROM surveys WHERE token_hash = @hash", new { hash = SurveyLinks.Hash(token) }), ct);
        if (survey is null)
        {
            var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (guard.IsBlocked(client)) return new Found(null, null, Blocked: true);
            guard.RecordFailedLookup(client);
            return new Found(null, null, Blocked: false);
        }
        var facility = await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<string?>(
            "SELECT facility FROM enrollments WHERE id = @EnrollmentId", new { survey.EnrollmentId }), ct);
        return new Found(survey, facility, Blocked: false);
    }

    private static IResult Refused(Found found, FacilityContacts contacts, string nonce)
    {
        var text = InstrumentTexts.WebForm(InstrumentCatalog.DefaultLocale);
        return found.Blocked
            ? Html(StatusCodes.Status429TooManyRequests, SurveyFormPage.Message(InstrumentCatalog.DefaultLocale, text.TooManyRequestsTitle,
                text.TooManyRequestsBody, nonce, contacts.For(null)))
            : Html(StatusCodes.Status404NotFound, SurveyFormPage.Message(InstrumentCatalog.DefaultLocale, text.UnknownTitle,
                text.UnknownBody, nonce, contacts.For(null)));
    }

    private static Texts TextsFor(string? locale) => ByLocale[InstrumentCatalog.ResolveLocale(locale) == "es" ? "es" : "en"];

    private static IResult Html(int status, string html) => Results.Content(html, HtmlContentType, statusCode: status);
}
