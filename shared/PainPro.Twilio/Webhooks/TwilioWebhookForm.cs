using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PainPro.Twilio.Webhooks;

/// <summary>
/// Reads a Twilio webhook's form, refusing what Twilio never sends before anything is stored: another content type,
/// a body larger than any real webhook (an SMS is at most 1,600 characters), or control characters such as NUL
/// (which PostgreSQL text cannot hold). Signature checking comes after, on the form read here.
/// </summary>
public static class TwilioWebhookForm
{
    /// <summary>Far above any real Twilio webhook, far below anything that could hurt.</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly FormOptions Limits = new() { ValueLengthLimit = MaxBytes, KeyLengthLimit = 256, ValueCountLimit = 200 };

    public static async Task<(IFormCollection? Form, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Twilio webhooks are form encoded (application/x-www-form-urlencoded)."));
        if (request.ContentLength > MaxBytes)
            return (null, TooLarge());

        IFormCollection form;
        try
        {
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = MaxBytes;
            form = await request.ReadFormAsync(Limits, ct);
        }
        catch (InvalidDataException ex)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form could not be read.", detail: ex.Message));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge) { return (null, TooLarge()); }

        var bad = form.FirstOrDefault(field => field.Value.Any(value => value is not null && value.Any(IsForbidden)));
        if (bad.Key is not null)
            return (null, Results.ValidationProblem(new Dictionary<string, string[]>
            {
                [bad.Key] = ["Contains a control character (such as NUL) that no Twilio webhook carries."],
            }));
        return (form, null);
    }

    // Line breaks and tabs occur in real SMS bodies; other control characters never do.
    private static bool IsForbidden(char c) => char.IsControl(c) && c is not ('\n' or '\r' or '\t');

    private static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: $"A Twilio webhook is never larger than {MaxBytes / 1024} KB.");
}
