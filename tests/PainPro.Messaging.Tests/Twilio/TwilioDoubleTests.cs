using System.Net;
using PainPro.ServiceDefaults.Twilio;
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
        Assert.True(TwilioSignature.IsValid("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form, signature));
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
}
