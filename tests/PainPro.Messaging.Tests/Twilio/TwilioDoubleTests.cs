using System.Net;
using PainPro.Twilio.Webhooks;
using PainPro.Testing.Twilio;

namespace PainPro.Messaging.Tests.Twilio;

public class TwilioDoubleTests
{
    [Fact]
    public void The_doubles_signature_matches_Twilios_documented_example()
    {
        // Twilio's documented example (auth token 12345).
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE", ["Caller"] = "+12349013030", ["Digits"] = "1234",
            ["From"] = "+12349013030", ["To"] = "+18005551212",
        };

        var signature = TwilioDouble.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form);

        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", signature);
        Assert.True(TwilioWebhookSignature.IsValid("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form, signature));
    }

    [Fact]
    public async Task Scripted_failures_are_answered_in_order_then_normal_service_resumes()
    {
        await using var twilio = await TwilioDouble.StartAsync();
        twilio.Enqueue(TwilioAnswer.TooManyRequests(TimeSpan.FromSeconds(2)), TwilioAnswer.ServerError(), TwilioAnswer.OptedOut());
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
            answers.Add(await http.PostAsync($"{twilio.BaseUrl}/2010-04-01/Accounts/{twilio.AccountSid}/Messages.json",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["To"] = "+15551230001", ["From"] = "+15550009999", ["Body"] = "hi" })));

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadRequest, HttpStatusCode.Created],
            answers.Select(a => a.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(2), answers[0].Headers.RetryAfter?.Delta);
        Assert.Contains("\"code\":21610", await answers[2].Content.ReadAsStringAsync());
        Assert.Contains("\"error_code\":null", await answers[3].Content.ReadAsStringAsync());
        Assert.Single(twilio.AcceptedMessages);
        Assert.Equal(4, twilio.Requests.Count);
    }

    [Fact]
    public async Task A_fault_for_a_period_answers_every_request_until_recovery_and_a_failing_number_keeps_failing()
    {
        await using var twilio = await TwilioDouble.StartAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
        Task<HttpResponseMessage> Send(string to) => http.PostAsync($"{twilio.BaseUrl}/2010-04-01/Accounts/{twilio.AccountSid}/Messages.json",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["To"] = to, ["From"] = "+15550009999", ["Body"] = "hi" }));
        Task<HttpResponseMessage> List() => http.GetAsync($"{twilio.BaseUrl}/2010-04-01/Accounts/{twilio.AccountSid}/Messages.json?To=%2B15551230001");
        twilio.FailMessagesTo("+15551230009", TwilioAnswer.InvalidNumber());

        twilio.FailEverything(TwilioAnswer.ServiceUnavailable(TimeSpan.FromSeconds(5)));
        var outage = new[] { await Send("+15551230001"), await Send("+15551230002"), await List() };
        twilio.FailEverything(TwilioAnswer.AuthenticationFailed());
        var refused = await Send("+15551230001");
        twilio.FailEverything(TwilioAnswer.FromNumberCannotSend());
        var fromNumber = await Send("+15551230001");
        twilio.Recover();
        var recovered = new[] { await Send("+15551230001"), await Send("+15551230009"), await List() };

        Assert.All(outage, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(5), outage[0].Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("\"code\":20003", await refused.Content.ReadAsStringAsync());
        Assert.Contains("\"code\":21606", await fromNumber.Content.ReadAsStringAsync());
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.OK], recovered.Select(r => r.StatusCode));
        Assert.Contains("\"code\":21211", await recovered[1].Content.ReadAsStringAsync());
        Assert.Single(twilio.AcceptedMessages);
    }
}
