using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.Phones;
using PainPro.Twilio.Webhooks;

namespace PainPro.Ingestion.Sms;

public static class SmsWebhookEndpoints
{
    public const string Path = "/webhooks/twilio/sms";

    public static IEndpointRouteBuilder MapSmsWebhook(this IEndpointRouteBuilder app)
    {
        // Twilio cannot send an antiforgery token; its HMAC signature is the proof of origin instead.
        app.MapPost(Path, ReceiveAsync).DisableAntiforgery().AllowAnonymous().WithTags("twilio")
            .WithSummary("Twilio's inbound SMS webhook (form fields MessageSid, From, Body), signed with X-Twilio-Signature; answers TwiML.")
            // The form is read and checked by the shared Twilio reader (its 415 is an IResult), so the answers are declared here.
            .Produces<string>(StatusCodes.Status200OK, TwiML.ContentType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, SmsInbox inbox, Credentials credentials,
        IOptions<PainProOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var (form, problem) = await TwilioWebhookForm.ReadAsync(request, ct);
        if (form is null) return problem!;

        if (!TwilioWebhookSignature.IsValid(request, form, credentials.TwilioAuthToken, options.Value.PublicBaseUrl))
        {
            loggers.CreateLogger(typeof(SmsWebhookEndpoints)).LogWarning("Refused an inbound SMS webhook with a missing or invalid {Header}",
                TwilioWebhookSignature.Header);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid Twilio signature.",
                detail: $"{TwilioWebhookSignature.Header} does not match this request.");
        }

        var sid = form["MessageSid"].ToString();
        var from = form["From"].ToString();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(sid) || sid.Length > 64) errors["MessageSid"] = ["A Twilio MessageSid is required."];
        if (PhoneNumber.Normalize(from) is null) errors["From"] = ["The sender's phone number is required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var reply = await inbox.ReceiveAsync(new InboundSms(sid.Trim(), from, form["Body"].ToString()), ct);
        return TypedResults.Text(TwiML.Reply(reply), TwiML.ContentType);
    }
}
