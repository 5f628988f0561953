using System.Security.Cryptography;
using System.Text;

namespace PainPro.ServiceDefaults.Twilio;

/// <summary>
/// Twilio's webhook signature: base64(HMAC-SHA1(authToken, url + every POST parameter as name+value,
/// sorted by name)). Unknown extra parameters are signed like any other, so they are never an error.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        // Ordinal sort, as Twilio's own validators do; repeated names keep their values in order.
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            data.Append(name).Append(value);
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    /// <summary>Constant-time check of a presented signature; false for a missing one or a missing token.</summary>
    public static bool IsValid(string? authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? presented)
    {
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(presented)) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, parameters));
        var actual = Encoding.ASCII.GetBytes(presented.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
