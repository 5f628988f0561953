using System.Xml.Linq;
using Twilio.TwiML;

namespace PainPro.Ingestion.Sms;

/// <summary>The TwiML answers of the inbound SMS webhook, written by Twilio's SDK (<see cref="MessagingResponse"/>).</summary>
public static class TwiML
{
    public const string ContentType = "text/xml; charset=utf-8";

    /// <summary>
    /// <c>&lt;Response&gt;&lt;Message&gt;text&lt;/Message&gt;&lt;/Response&gt;</c>, the text XML-escaped; an empty
    /// <c>&lt;Response /&gt;</c> for null (a text that waits for its survey: the reply comes later).
    /// </summary>
    public static string Reply(string? text)
    {
        var response = new MessagingResponse();
        if (text is not null) response.Message(text);
        return response.ToString(SaveOptions.DisableFormatting);
    }
}
