using System.Security.Cryptography;
using System.Text;

namespace PainPro.Twilio.Webhooks;

/// <summary>
/// Signs a webhook the way Twilio does, for the dev tools that stand in for Twilio and post through the real, checked
/// webhook path (the Portal's phone simulator, AllInOne's demo). The SDK checks signatures but cannot make them, hence
/// these few lines; nothing that receives a webhook uses them — the check is <see cref="TwilioWebhookSignature"/>, the SDK's.
/// </summary>
public static class TwilioWebhookSigner
{
    /// <summary>base64(HMAC-SHA1(auth token, URL followed by each parameter's name and value, sorted by name)).</summary>
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
