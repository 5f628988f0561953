namespace PainPro.Ingestion.Sms;

public static class PhoneNumbers
{
    /// <summary>
    /// The comparable form of a phone number: a leading <c>+</c> and digits only, so "+1 (555) 123-0001"
    /// and Twilio's "+15551230001" match. Null for nothing usable.
    /// </summary>
    public static string? Normalize(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var trimmed = phone.Trim();
        var digits = new string([.. trimmed.Where(char.IsAsciiDigit)]);
        if (digits.Length == 0) return null;
        return trimmed.StartsWith('+') ? "+" + digits : digits;
    }
}
