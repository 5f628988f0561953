using PainPro.Testing.Twilio;

namespace PainPro.Testing;

/// <summary>Posts inbound SMS to a host the way Twilio does: form encoded and signed on the public URL.</summary>
public static class TwilioWebhook
{
    public const string SmsPath = "/webhooks/twilio/sms";

    public static Dictionary<string, string> InboundSms(string from, string body, string? messageSid = null, string to = "+15550009999") => new()
    {
        ["MessageSid"] = messageSid ?? "SM" + Guid.NewGuid().ToString("N"),
        ["AccountSid"] = "AC" + new string('0', 32),
        ["From"] = from,
        ["To"] = to,
        ["Body"] = body,
        ["NumMedia"] = "0",
    };

    public static async Task<HttpResponseMessage> PostSmsAsync(
        HttpClient client, string publicBaseUrl, string authToken, IReadOnlyDictionary<string, string> form)
    {
        var url = publicBaseUrl.TrimEnd('/') + SmsPath;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign(authToken, url, form));
        return await client.SendAsync(request);
    }
}
