using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing.Twilio;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.BadInput;

/// <summary>
/// The Twilio webhooks under hostile and broken requests: anything not signed with the auth token gets 403 and is
/// stored nowhere; signed but malformed requests get a clear 4xx; nothing gets a 500.
/// </summary>
[Collection(SystemCollection.Name)]
public class WebhookFuzzTests(SystemUnderTest system)
{
    private const string Token = PainProTestHost.Configuration.TwilioAuthToken;

    private string SmsUrl => system.BaseUrl + TwilioWebhook.SmsPath;

    [Fact]
    public async Task Unsigned_forged_or_replayed_and_altered_texts_get_403_and_are_stored_nowhere()
    {
        using var entry = Ledger.Open("inputs.webhook-signatures", Ledger.Inputs, "Inbound SMS webhook: missing, forged or replayed signatures with altered bodies");
        var enrolled = await system.EnrollAsync();
        await system.WaitForSurveyAsync(enrolled);
        var genuine = TwilioWebhook.InboundSms(enrolled.Patient.Phone, "9");
        var signature = TwilioDouble.Sign(Token, SmsUrl, genuine);

        (string Case, Dictionary<string, string> Form, string? Header)[] forgeries =
        [
            ("no signature header", genuine, null),
            ("empty signature", genuine, ""),
            ("garbage signature", genuine, "not-a-signature"),
            ("signature in lower case", genuine, signature.ToLowerInvariant()),
            ("replayed with the body altered to 2", With(genuine, "Body", "2"), signature),
            ("replayed with another sender", With(genuine, "From", "+15550000001"), signature),
            ("replayed with another MessageSid", With(genuine, "MessageSid", "SM" + Guid.NewGuid().ToString("N")), signature),
            ("replayed with a field added", With(genuine, "Extra", "1"), signature),
            ("replayed with a field removed", Without(genuine, "NumMedia"), signature),
            ("signed with another token", genuine, TwilioDouble.Sign("someone-elses-token", SmsUrl, genuine)),
            ("signed for another URL", genuine, TwilioDouble.Sign(Token, "https://evil.example/webhooks/twilio/sms", genuine)),
            ("signed for the status webhook", genuine, TwilioDouble.Sign(Token, system.BaseUrl + "/webhooks/twilio/status", genuine)),
        ];

        using var client = system.Client();
        foreach (var (name, form, header) in forgeries)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, SmsUrl) { Content = new FormUrlEncodedContent(form) };
            if (header is not null) request.Headers.TryAddWithoutValidation(TwilioDouble.SignatureHeader, header);
            await Http.AssertProblemAsync(await client.SendAsync(request), HttpStatusCode.Forbidden, name);
            Assert.Equal(0, await StoredTextsAsync(form["MessageSid"]));
            entry.Count("forged requests");
        }
        Assert.Empty(await system.ResponsesAsync(enrolled.EnrollmentId));

        // The genuine request, replayed as Twilio retries it: answered identically, stored once.
        var first = await (await TwilioWebhook.PostSmsAsync(client, system.BaseUrl, Token, genuine)).Content.ReadAsStringAsync();
        var again = await (await TwilioWebhook.PostSmsAsync(client, system.BaseUrl, Token, genuine)).Content.ReadAsStringAsync();
        Assert.Equal(first, again);
        Assert.Equal(1, await StoredTextsAsync(genuine["MessageSid"]));
        Assert.Single(await system.ResponsesAsync(enrolled.EnrollmentId));
        entry.Count("genuine replays", 2).Pass();
    }

    [Fact]
    public async Task Signed_texts_with_random_fields_are_answered_or_refused_with_400_never_with_a_server_error()
    {
        using var entry = Ledger.Open("inputs.webhook-random-fields", Ledger.Inputs, "Inbound SMS webhook: signed forms with random fields, senders and bodies");
        var names = Gen.Elements("MessageSid", "From", "To", "Body", "AccountSid", "NumMedia", "MediaUrl0", "SmsStatus", "X", "ApiVersion");
        // Values as the server will decode them (a lone surrogate cannot travel in UTF-8), so the signature holds.
        // NUL has its own test (Form_values_with_a_nul_character…).
        var values = Gen.OneOf(
            Gen.Elements("", " ", "+15551230001", "not a phone", "SM" + new string('f', 32), new string('S', 65), "7", "STOP", "\u0001", "😀", "<Response/>"),
            ArbMap.Default.ArbFor<string>().Generator.Select(s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s ?? "")).Replace('\0', ' ')));
        var forms = Gen.ListOf(Gen.Zip(names, values))
            .Select(pairs => pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2));

        using var client = system.Client();
        var failures = new List<string>();
        foreach (var form in forms.Sample(Sizes.FuzzRuns))
        {
            // Generated sids repeat ("7", "STOP"…): what matters is that a refused request adds nothing.
            var storedBefore = form.TryGetValue("MessageSid", out var sid) ? await StoredTextsAsync(sid.Trim()) : 0;
            var response = await TwilioWebhook.PostSmsAsync(client, system.BaseUrl, Token, form);
            entry.Count($"random forms answered {(int)response.StatusCode}");
            var what = $"signed form [{string.Join(", ", form.Select(f => $"{f.Key}={Http.Shorten(f.Value)}"))}]";
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var problem = await Record.ExceptionAsync(() => Http.AssertProblemAsync(response, HttpStatusCode.BadRequest, what));
                if (problem is not null) failures.Add(problem.Message);
                else if (sid is not null && await StoredTextsAsync(sid.Trim()) > storedBefore) failures.Add($"{what} was refused but stored");
            }
            else if (response.StatusCode != HttpStatusCode.OK)
                failures.Add($"{what} answered {(int)response.StatusCode}: {Http.Shorten(await response.Content.ReadAsStringAsync())}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Sizes.FuzzRuns} signed forms were mishandled:\n{string.Join("\n", failures.Take(20))}");
        entry.Pass();
    }

    [Fact]
    public async Task Oversized_texts_are_refused_with_a_4xx_and_stored_nowhere()
    {
        using var entry = Ledger.Open("inputs.webhook-oversized", Ledger.Inputs, "Inbound SMS webhook: 1 MB bodies, signed and unsigned");
        var enrolled = await system.EnrollAsync();
        await system.WaitForSurveyAsync(enrolled);
        var megabyte = new string('7', 1024 * 1024);
        using var client = system.Client();

        var unsigned = TwilioWebhook.InboundSms(enrolled.Patient.Phone, megabyte);
        using (var request = new HttpRequestMessage(HttpMethod.Post, SmsUrl) { Content = new FormUrlEncodedContent(unsigned) })
            // Refused by size before the body is even read, so before the signature is checked.
            await Http.AssertProblemAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "an unsigned 1 MB text");
        Assert.Equal(0, await StoredTextsAsync(unsigned["MessageSid"]));
        entry.Count("unsigned 1 MB texts");

        // Twilio never delivers more than 1,600 characters; a signed megabyte is not a text message.
        var signed = TwilioWebhook.InboundSms(enrolled.Patient.Phone, megabyte);
        var response = await TwilioWebhook.PostSmsAsync(client, system.BaseUrl, Token, signed);
        entry.Count("signed 1 MB texts");
        Assert.True((int)response.StatusCode is >= 400 and < 500,
            $"a signed 1 MB text answered {(int)response.StatusCode}; a body far beyond Twilio's 1,600 characters should be refused");
        Assert.Equal(0, await StoredTextsAsync(signed["MessageSid"]));
        Assert.Empty(await system.ResponsesAsync(enrolled.EnrollmentId));
        entry.Pass();
    }

    [Fact]
    public async Task Invalid_utf8_and_wrong_content_types_get_a_4xx_or_a_plain_non_answer_never_a_server_error()
    {
        using var entry = Ledger.Open("inputs.webhook-encoding", Ledger.Inputs, "Inbound SMS webhook: invalid UTF-8, wrong content types, empty bodies");
        var enrolled = await system.EnrollAsync();
        await system.WaitForSurveyAsync(enrolled);
        using var client = system.Client();

        // Raw bytes that are not UTF-8, unsigned: refused before anything is read into storage.
        foreach (var raw in new byte[][] { [0xC3, 0x28], [0xFF, 0xFE, 0xFD], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80] })
        {
            var sid = "SM" + Guid.NewGuid().ToString("N");
            var body = Encoding.ASCII.GetBytes($"MessageSid={sid}&From={Uri.EscapeDataString(enrolled.Patient.Phone)}&Body=").Concat(raw).ToArray();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/x-www-form-urlencoded");
            await Http.AssertProblemAsync(await client.PostAsync(SmsUrl, content), HttpStatusCode.Forbidden, $"unsigned invalid UTF-8 {Convert.ToHexString(raw)}");
            Assert.Equal(0, await StoredTextsAsync(sid));
            entry.Count("invalid UTF-8 bodies");
        }

        // Percent-encoded invalid UTF-8, signed over what the server decodes: a text that is not an answer.
        var form = TwilioWebhook.InboundSms(enrolled.Patient.Phone, Uri.UnescapeDataString("%C3%28"));
        var encoded = $"MessageSid={form["MessageSid"]}&AccountSid={form["AccountSid"]}&From={Uri.EscapeDataString(form["From"])}&To={Uri.EscapeDataString(form["To"])}&Body=%C3%28&NumMedia=0";
        using (var request = new HttpRequestMessage(HttpMethod.Post, SmsUrl) { Content = new StringContent(encoded, Encoding.ASCII, "application/x-www-form-urlencoded") })
        {
            request.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign(Token, SmsUrl, form));
            var response = await client.SendAsync(request);
            var twiml = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"signed percent-encoded invalid UTF-8 answered {(int)response.StatusCode}: {twiml}");
            Assert.Contains("<Message>", twiml);
            Assert.Empty(await system.ResponsesAsync(enrolled.EnrollmentId)); // not an answer: nothing recorded for the question
            entry.Count("decoded invalid UTF-8 texts");
        }

        (string Case, HttpContent? Content)[] wrongTypes =
        [
            ("JSON", new StringContent("{\"MessageSid\":\"SM1\",\"Body\":\"7\"}", Encoding.UTF8, "application/json")),
            ("plain text", new StringContent("Body=7", Encoding.UTF8, "text/plain")),
            ("XML", new StringContent("<Body>7</Body>", Encoding.UTF8, "application/xml")),
            ("no body", null),
        ];
        foreach (var (name, content) in wrongTypes)
        {
            var response = await client.PostAsync(SmsUrl, content);
            Assert.True((int)response.StatusCode is 403 or 415, $"{name} answered {(int)response.StatusCode}");
            await Http.AssertProblemAsync(response, response.StatusCode, name);
            entry.Count("wrong content types");
        }
        entry.Pass();
    }

    [Theory]
    [InlineData("/webhooks/twilio/sms", false)]
    [InlineData("/webhooks/twilio/sms", true)]
    [InlineData("/webhooks/twilio/status", false)]
    [InlineData("/webhooks/twilio/status", true)]
    public async Task Form_values_with_a_nul_character_get_a_4xx_signed_or_not(string path, bool signed)
    {
        using var entry = Ledger.Open($"inputs.webhook-nul-{path.Split('/')[^1]}-{(signed ? "signed" : "unsigned")}", Ledger.Inputs,
            $"{path}: a NUL character in a form value, {(signed ? "signed" : "unsigned")}");
        var enrolled = await system.EnrollAsync();
        var form = TwilioWebhook.InboundSms(enrolled.Patient.Phone, "7\u0000");
        var url = system.BaseUrl + path;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        if (signed) request.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign(Token, url, form));
        using var client = system.Client();

        var response = await client.SendAsync(request);
        entry.Count("NUL form values");
        Assert.True((int)response.StatusCode is >= 400 and < 500,
            $"{(signed ? "a signed" : "an unsigned")} form with %00 in a value answered {(int)response.StatusCode}: {Http.Shorten(await response.Content.ReadAsStringAsync())}");
        await Http.AssertProblemAsync(response, response.StatusCode, "a form with %00");
        Assert.Equal(0, await StoredTextsAsync(form["MessageSid"]));
        entry.Pass();
    }

    [Fact]
    public async Task Status_callbacks_without_a_valid_signature_get_403_and_signed_malformed_ones_get_400()
    {
        using var entry = Ledger.Open("inputs.status-webhook", Ledger.Inputs, "Status callback webhook: unsigned, forged, malformed and oversized");
        var url = system.BaseUrl + "/webhooks/twilio/status";
        var callback = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["MessageStatus"] = "undelivered", ["ErrorCode"] = "30003",
        };
        using var client = system.Client();

        foreach (var (name, header) in new (string, string?)[] { ("unsigned", null), ("garbage", "x"), ("other token", TwilioDouble.Sign("nope", url, callback)) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(callback) };
            if (header is not null) request.Headers.Add(TwilioDouble.SignatureHeader, header);
            await Http.AssertProblemAsync(await client.SendAsync(request), HttpStatusCode.Forbidden, $"{name} status callback");
            entry.Count("forged callbacks");
        }

        foreach (var missing in new[] { "MessageSid", "MessageStatus" })
        {
            var form = Without(callback, missing);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign(Token, url, form));
            await Http.AssertValidationProblemAsync(await client.SendAsync(request), missing, $"a signed callback without {missing}");
            entry.Count("malformed callbacks");
        }

        var huge = With(callback, "MessageStatus", new string('x', 1024 * 1024));
        using (var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(huge) })
        {
            var response = await client.SendAsync(request);
            await Http.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "an unsigned 1 MB callback");
            entry.Count("oversized callbacks");
        }
        entry.Pass();
    }

    private Task<long> StoredTextsAsync(string messageSid) =>
        Sql.ScalarAsync<long>(system.ConnectionString, "SELECT COUNT(*) FROM ingestion.inbound_sms WHERE message_sid = @messageSid", new { messageSid });

    private static Dictionary<string, string> With(Dictionary<string, string> form, string name, string value) =>
        new(form) { [name] = value };

    private static Dictionary<string, string> Without(Dictionary<string, string> form, string name)
    {
        var copy = new Dictionary<string, string>(form);
        copy.Remove(name);
        return copy;
    }
}
