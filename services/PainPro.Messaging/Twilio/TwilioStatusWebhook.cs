using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Senders;
using PainPro.Messaging.Surveys;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.Twilio.Webhooks;

namespace PainPro.Messaging.Twilio;

/// <summary>
/// <c>POST /webhooks/twilio/status</c>: Twilio's message status callback. The signature is checked first, on the
/// public URL Twilio was given; anything unsigned gets 403 and is stored nowhere.
/// </summary>
public static class TwilioStatusWebhook
{
    public static IEndpointConventionBuilder MapTwilioStatusWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost(TwilioSmsGateway.StatusCallbackPath, HandleAsync)
            .DisableAntiforgery() // Twilio cannot carry an antiforgery token; the signature is the proof instead.
            .WithTags("webhooks")
            .WithSummary("Twilio's message status callback (form fields MessageSid, MessageStatus, ErrorCode), signed with X-Twilio-Signature.")
            // The form is read and checked by the shared Twilio reader (its 415 is an IResult), so the answers are declared here.
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        MessagingDb db,
        SenderStates senders,
        Credentials credentials,
        IOptions<PainProOptions> options,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var (form, problem) = await TwilioWebhookForm.ReadAsync(request, ct);
        if (form is null) return problem!;
        if (!TwilioWebhookSignature.IsValid(request, form, credentials.TwilioAuthToken, options.Value.PublicBaseUrl))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid Twilio signature",
                detail: $"The {TwilioWebhookSignature.Header} header does not match this request.");

        var sid = form["MessageSid"].ToString();
        var status = form["MessageStatus"].ToString();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(sid)) errors["MessageSid"] = ["Required."];
        if (string.IsNullOrWhiteSpace(status)) errors["MessageStatus"] = ["Required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var errorCode = form["ErrorCode"].ToString() is { Length: > 0 } code ? code : null;
        var result = await db.InTransactionAsync(session => DeliveryStatusUpdates.RecordAsync(session, senders, sid, status, errorCode), ct);
        loggers.CreateLogger(typeof(TwilioStatusWebhook)).LogInformation(
            "Twilio status {Status} (error {ErrorCode}) for {MessageSid}: {Result}", status, errorCode, sid, result);
        return TypedResults.NoContent();
    }
}
