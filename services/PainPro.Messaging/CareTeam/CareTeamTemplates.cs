using System.Text.Encodings.Web;
using PainPro.Messaging.Templates;

namespace PainPro.Messaging.CareTeam;

/// <summary>
/// What the care team is told about a PainPro alert: its priority ("a low-priority PainPro alert", never "a low pain
/// alert", which reads as good news about the pain), the MRN's last four digits and a Portal link.
/// Nothing else about the patient travels by email or SMS; the Portal, behind sign-in, has the rest.
/// </summary>
public sealed class CareTeamTemplates(string organisationName, string portalBaseUrl)
{
    public string AlertLink(Guid alertId) => $"{portalBaseUrl.TrimEnd('/')}/alerts/{alertId}";

    public string Sms(CareTeamNotice notice) => notice.Escalated
        ? $"{organisationName}: ESCALATED {Severity(notice)}-priority PainPro alert, not yet acknowledged. Patient MRN ending {Mrn(notice)}. {AlertLink(notice.AlertId)}"
        : $"{organisationName}: new {Severity(notice)}-priority PainPro alert. Patient MRN ending {Mrn(notice)}. {AlertLink(notice.AlertId)}";

    public RenderedEmail Email(CareTeamNotice notice)
    {
        var link = AlertLink(notice.AlertId);
        var subject = notice.Escalated
            ? $"[{organisationName}] ESCALATED: {Severity(notice)}-priority PainPro alert not acknowledged (MRN ...{Mrn(notice)})"
            : $"[{organisationName}] New {Severity(notice)}-priority PainPro alert (MRN ...{Mrn(notice)})";
        var lead = notice.Escalated
            ? $"A {Severity(notice)}-priority PainPro alert has not been acknowledged in time and is escalated."
            : $"A {Severity(notice)}-priority PainPro alert was raised.";
        var text = $"{lead}\n\nPatient MRN ending: {Mrn(notice)}\n\nOpen the alert in the Portal: {link}\n\n" +
                   "This message carries no other patient information; sign in to the Portal to see the details.\n\n" +
                   $"{organisationName}\n";
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{h.Encode(subject)}</title></head>
            <body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;">
            <p><strong>{h.Encode(lead)}</strong></p>
            <p>Patient MRN ending: <strong>{h.Encode(Mrn(notice))}</strong></p>
            <p><a href="{h.Encode(link)}" style="color:#0b5cad;">Open the alert in the Portal</a></p>
            <p style="font-size:14px;color:#444444;">This message carries no other patient information; sign in to the Portal to see the details.</p>
            <p>{h.Encode(organisationName)}</p>
            </body>
            </html>
            """;
        return new RenderedEmail(subject, text, html);
    }

    private static string Severity(CareTeamNotice notice) => notice.Severity.ToLowerInvariant();

    private static string Mrn(CareTeamNotice notice) =>
        string.IsNullOrWhiteSpace(notice.MrnLast4) ? "(not given)" : notice.MrnLast4.Trim();
}

/// <summary>The facts a care-team notification may carry.</summary>
public sealed record CareTeamNotice(Guid AlertId, string Severity, string? MrnLast4, bool Escalated);
