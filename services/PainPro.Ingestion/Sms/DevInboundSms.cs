using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.Phones;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.Twilio.Webhooks;

namespace PainPro.Ingestion.Sms;

/// <summary>
/// Dev only: <c>POST /dev/sms/inbound</c> takes a patient's text in the form Twilio's webhook carries and hands it to
/// the same <see cref="SmsInbox"/>, answering the same TwiML — without Twilio's signature, which only Twilio (or a
/// copy of its HMAC) can make: the SDK checks signatures but cannot compute one. The Portal's phone simulator and
/// AllInOne's demo post here with an API key. Without dev mode the route does not exist (404), and the signed webhook
/// is the only way a text gets in.
/// </summary>
public static class DevInboundSms
{
    public const string Path = "/dev/sms/inbound";

    public static IEndpointRouteBuilder MapDevInboundSms(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<PainProOptions>>().Value.Dev.Enabled) return app;
        // The API key is the proof of origin here (no cookie is accepted), so there is no form token to check.
        app.MapPost(Path, ReceiveAsync).DisableAntiforgery().RequireAuthorization(PainProAuth.IntegrationPolicy).WithTags("dev");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, SmsInbox inbox, CancellationToken ct)
    {
        // The webhook's reader, so a dev text meets the same limits (size, control characters) as a real one.
        var (form, problem) = await TwilioWebhookForm.ReadAsync(request, ct);
        if (form is null) return problem!;

        var sid = form["MessageSid"].ToString().Trim();
        var from = form["From"].ToString();
        var errors = new Dictionary<string, string[]>();
        if (sid.Length > 64) errors["MessageSid"] = ["A MessageSid is at most 64 characters; leave it out to get a fresh one."];
        if (PhoneNumber.Normalize(from) is null) errors["From"] = ["The sender's phone number is required, with '+' and its country code."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        // A given MessageSid makes a retry land on the same text, as Twilio's retries do; none means a new text.
        if (sid.Length == 0) sid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var reply = await inbox.ReceiveAsync(new InboundSms(sid, from, form["Body"].ToString()), ct);
        return Results.Text(TwiML.Reply(reply), TwiML.ContentType);
    }
}
