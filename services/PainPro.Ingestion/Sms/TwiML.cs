using System.Xml.Linq;

namespace PainPro.Ingestion.Sms;

/// <summary>The TwiML answers of the inbound SMS webhook.</summary>
public static class TwiML
{
    public const string ContentType = "text/xml; charset=utf-8";

    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    /// <summary><c>&lt;Response&gt;&lt;Message&gt;text&lt;/Message&gt;&lt;/Response&gt;</c>, the text XML-escaped; no message for null.</summary>
    public static string Reply(string? text) =>
        Declaration + (text is null
            ? new XElement("Response")
            : new XElement("Response", new XElement("Message", text))).ToString(SaveOptions.DisableFormatting);
}
