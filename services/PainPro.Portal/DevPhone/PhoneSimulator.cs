using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using PainPro.Portal.Clients;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;

namespace PainPro.Portal.DevPhone;

/// <summary>A text on the simulated phone: one the system sent (dev outbox or a TwiML answer) or the patient's reply.</summary>
public sealed record PhoneMessage(DateTimeOffset At, bool FromPatient, string Body, string? Link = null);

/// <summary>What the dev gateways recorded as sent (<c>GET /dev/outbox</c>, Messaging's).</summary>
public sealed record DevOutboxEntry
{
    public string To { get; init; } = "";
    public string Channel { get; init; } = "";
    public string Body { get; init; } = "";
    public string? Link { get; init; }
    public DateTimeOffset SentAt { get; init; }
}

/// <summary>
/// Dev only: a patient's phone. It shows the texts the system sent to a number and sends a reply to Ingestion's dev
/// inbound route, which hands it to the same handling as Twilio's signed webhook — so what happens next (scoring,
/// alerts, the next question) is exactly what a real reply would cause. (Only Twilio can sign a webhook: the SDK checks
/// signatures but cannot make one, and no copy of its HMAC lives in the services.)
/// </summary>
public sealed class PhoneSimulator(HttpClient http, PhoneConversationLog log, PortalServiceKey key, IOptions<PortalOptions> portal,
    IOptions<PainProOptions> options, TimeProvider clock)
{
    public const string PagePath = "/dev/phone";

    /// <summary>Ingestion's dev-only route for a patient's text (<c>DevInboundSms</c>; 404 without dev mode).</summary>
    public const string InboundPath = "/dev/sms/inbound";

    /// <summary>The number patients text; any value works with the dev gateways.</summary>
    public const string ServiceNumber = "+15550009999";

    /// <summary>The conversation with <paramref name="phone"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PhoneMessage>> ConversationAsync(string phone, CancellationToken ct = default)
    {
        IReadOnlyList<DevOutboxEntry> sent;
        try
        {
            sent = await http.GetFromJsonAsync<IReadOnlyList<DevOutboxEntry>>($"dev/outbox?to={Uri.EscapeDataString(phone)}", ServiceApiClient.Json, ct) ?? [];
        }
        catch (HttpRequestException ex)
        {
            throw new ServiceApiException("Messaging", ex.StatusCode, "The dev outbox is not available (is dev mode on?).", ex);
        }
        return [.. sent.Where(s => s.Channel == "sms").Select(s => new PhoneMessage(s.SentAt, false, s.Body, s.Link))
            .Concat(log.For(phone))
            .OrderBy(m => m.At)];
    }

    /// <summary>Sends <paramref name="body"/> from <paramref name="phone"/> as Twilio would, and returns the TwiML answer's texts.</summary>
    public async Task<IReadOnlyList<string>> ReplyAsync(string phone, string body, CancellationToken ct = default)
    {
        var ingestion = portal.Value.IngestionUrl is { Length: > 0 } configured ? configured : options.Value.PublicBaseUrl;
        var form = new Dictionary<string, string> { ["From"] = phone, ["To"] = ServiceNumber, ["Body"] = body };
        using var request = new HttpRequestMessage(HttpMethod.Post, ingestion.TrimEnd('/') + InboundPath) { Content = new FormUrlEncodedContent(form) };
        if (key.Value is { } apiKey) request.Headers.TryAddWithoutValidation(PainProAuth.ApiKeyHeader, apiKey);

        log.Add(phone, new PhoneMessage(clock.GetUtcNow(), true, body));
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct); }
        catch (HttpRequestException ex) { throw new ServiceApiException("Ingestion", null, "Ingestion is not answering the phone's reply.", ex); }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new ServiceApiException("Ingestion", response.StatusCode, await ServiceApiClient.DescribeAsync(response, ct));
            var answers = ParseTwiml(await response.Content.ReadAsStringAsync(ct));
            // TwiML answers go straight back to Twilio, so they never reach the dev outbox: keep them here.
            foreach (var answer in answers) log.Add(phone, new PhoneMessage(clock.GetUtcNow(), false, answer));
            return answers;
        }
    }

    /// <summary>The texts of a TwiML <c>&lt;Response&gt;</c>; empty for an empty response or something that is not TwiML.</summary>
    public static IReadOnlyList<string> ParseTwiml(string twiml)
    {
        if (string.IsNullOrWhiteSpace(twiml)) return [];
        try
        {
            var document = XDocument.Parse(twiml);
            return [.. document.Descendants("Message").Select(m => (m.Element("Body")?.Value ?? m.Value).Trim()).Where(t => t.Length > 0)];
        }
        catch (XmlException) { return []; }
    }
}

/// <summary>Patient replies and TwiML answers of the phone simulator, per number, in memory (dev only, bounded).</summary>
public sealed class PhoneConversationLog
{
    private const int MaxPerPhone = 200;
    private readonly ConcurrentDictionary<string, List<PhoneMessage>> messages = new();

    public void Add(string phone, PhoneMessage message)
    {
        var list = messages.GetOrAdd(phone, _ => []);
        lock (list)
        {
            list.Add(message);
            if (list.Count > MaxPerPhone) list.RemoveAt(0);
        }
    }

    public IReadOnlyList<PhoneMessage> For(string phone)
    {
        if (!messages.TryGetValue(phone, out var list)) return [];
        lock (list) return [.. list];
    }
}
