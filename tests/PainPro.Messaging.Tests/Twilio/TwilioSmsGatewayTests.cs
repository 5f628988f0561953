using PainPro.Contracts;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.RateLimiting;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Messaging.Twilio;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing.Twilio;

namespace PainPro.Messaging.Tests.Twilio;

public class TwilioSmsGatewayTests
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "secret-token";
    private const string Created = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","error_code":null}""";
    private static readonly SmsMessage Message = new("+15551230001", "Hi Ana, how bad is the pain?");

    private readonly FakeHttpHandler handler = new();
    private readonly ManualTimeProvider time = new();

    private TwilioSmsGateway Gateway(Action<TwilioClientOptions>? configure = null, string baseUrl = "https://api.twilio.test",
        HttpMessageHandler? http = null, TimeProvider? clock = null, string authToken = AuthToken)
    {
        var twilio = new TwilioClientOptions { BaseUrl = baseUrl, AccountSid = AccountSid, From = "+15550009999", RatePerSecond = 0 };
        configure?.Invoke(twilio);
        var painPro = new PainProOptions { PublicBaseUrl = "https://painpro.example.org/", Twilio = { AuthToken = authToken } };
        return new TwilioSmsGateway(new HttpClient(http ?? handler), Options.Create(new MessagingOptions { Twilio = twilio }),
            Options.Create(painPro), new Credentials(Options.Create(painPro)), new SenderRateLimits(clock ?? time), clock ?? time,
            NullLogger<TwilioSmsGateway>.Instance);
    }

    /// <summary>Runs a send to completion, moving the manual clock a second at a time while it waits.</summary>
    private async Task<SendOutcome> SendAsync(TwilioSmsGateway gateway)
    {
        var sending = gateway.SendAsync(Message, CancellationToken.None);
        while (!sending.IsCompleted)
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        return await sending;
    }

    private static string Error(int code) => $$"""{"code":{{code}},"message":"Twilio says no","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":400}""";

    [Fact]
    public async Task Posts_To_From_Body_and_StatusCallback_with_basic_auth_to_the_accounts_Messages_json()
    {
        handler.Then(HttpStatusCode.Created, Created);

        var outcome = await SendAsync(Gateway());

        Assert.Equal(new SendOutcome.Accepted("SM0123456789abcdef0123456789abcdef", "queued"), outcome);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"https://api.twilio.test/2010-04-01/Accounts/{AccountSid}/Messages.json", request.Uri.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        Assert.Equal(new Dictionary<string, string>
        {
            ["To"] = "+15551230001",
            ["Body"] = "Hi Ana, how bad is the pain?",
            ["From"] = "+15550009999",
            ["StatusCallback"] = "https://painpro.example.org/webhooks/twilio/status",
        }, request.Form);
    }

    [Fact]
    public async Task A_Messaging_Service_replaces_From_when_configured()
    {
        handler.Then(HttpStatusCode.Created, Created);

        await SendAsync(Gateway(o => o.MessagingServiceSid = "MG0123"));

        var form = Assert.Single(handler.Requests).Form;
        Assert.Equal("MG0123", form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
    }

    [Theory]
    [InlineData(400, 21211, DeliveryFailureReasons.InvalidNumber)]
    [InlineData(400, 21610, DeliveryFailureReasons.OptedOut)]
    [InlineData(400, 21408, DeliveryFailureReasons.Unreachable)]
    [InlineData(400, 21612, DeliveryFailureReasons.Unreachable)]
    [InlineData(400, 21999, DeliveryFailureReasons.ProviderRejected)]
    [InlineData(401, 20003, DeliveryFailureReasons.ProviderRejected)]
    [InlineData(404, 20404, DeliveryFailureReasons.ProviderRejected)]
    public async Task A_4xx_answer_is_mapped_to_a_reason_and_never_retried(int status, int code, string reason)
    {
        handler.Then((HttpStatusCode)status, Error(code));

        var outcome = await SendAsync(Gateway());

        var rejected = Assert.IsType<SendOutcome.Rejected>(outcome);
        Assert.Equal((reason, code.ToString()), (rejected.Reason, rejected.ProviderErrorCode));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_Retry_After_Twilio_names()
    {
        handler.Then(HttpStatusCode.TooManyRequests, Error(20429), r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
               .Then(HttpStatusCode.Created, Created);

        var outcome = await SendAsync(Gateway());

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains(TimeSpan.FromSeconds(3), time.RequestedDelays);
    }

    [Fact]
    public async Task Every_request_retries_included_waits_for_the_senders_rate_limit()
    {
        handler.Then(HttpStatusCode.TooManyRequests, Error(20429), r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.Zero))
               .Then(HttpStatusCode.Created, Created);

        var outcome = await SendAsync(Gateway(o => o.RatePerSecond = 0.5));

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains(TimeSpan.FromSeconds(2), time.RequestedDelays); // the retry waited for the bucket, not just Retry-After
    }

    [Fact]
    public async Task A_Retry_After_date_is_read_against_the_responses_own_date_and_capped()
    {
        var sentAt = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        handler.Then(HttpStatusCode.TooManyRequests, Error(20429), r =>
               {
                   r.Headers.Date = sentAt;
                   r.Headers.RetryAfter = new RetryConditionHeaderValue(sentAt.AddSeconds(7));
               })
               .Then(HttpStatusCode.ServiceUnavailable, "", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1)))
               .Then(HttpStatusCode.Created, Created);

        var outcome = await SendAsync(Gateway(o => o.MaxRetryDelay = TimeSpan.FromSeconds(20)));

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Contains(TimeSpan.FromSeconds(7), time.RequestedDelays);
        Assert.Contains(TimeSpan.FromSeconds(20), time.RequestedDelays);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_growing_backoff_then_reported_unavailable()
    {
        for (var i = 0; i < 4; i++) handler.Then(HttpStatusCode.InternalServerError, Error(20500));

        var outcome = await SendAsync(Gateway(o => o.MaxAttempts = 4));

        Assert.IsType<SendOutcome.Unavailable>(outcome);
        Assert.Equal(4, handler.Requests.Count);
        var backoffs = time.RequestedDelays.Where(d => d < TimeSpan.FromSeconds(10)).ToList(); // the rest are request timeouts
        Assert.Equal(3, backoffs.Count);
        Assert.True(backoffs[0] < backoffs[1] && backoffs[1] < backoffs[2], string.Join(", ", backoffs));
    }

    [Fact]
    public async Task A_timeout_is_an_unknown_outcome_and_is_not_retried()
    {
        handler.ThenHang();

        var outcome = await SendAsync(Gateway(o => o.Timeout = TimeSpan.FromSeconds(5)));

        Assert.IsType<SendOutcome.Unknown>(outcome);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_refused_connection_sent_nothing_so_it_is_retried_then_reported_unavailable()
    {
        for (var i = 0; i < 3; i++) handler.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        var outcome = await SendAsync(Gateway(o => o.MaxAttempts = 3));

        Assert.IsType<SendOutcome.Unavailable>(outcome);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_connection_lost_mid_response_is_an_unknown_outcome()
    {
        handler.ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "reset"));

        var outcome = await SendAsync(Gateway());

        Assert.IsType<SendOutcome.Unknown>(outcome);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task It_talks_to_the_Twilio_double_as_to_Twilio_and_a_wrong_token_is_refused()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);

        var accepted = await Gateway(baseUrl: twilio.BaseUrl, http: new HttpClientHandler(), clock: TimeProvider.System, authToken: twilio.AuthToken)
            .SendAsync(Message, CancellationToken.None);
        var refused = await Gateway(baseUrl: twilio.BaseUrl, http: new HttpClientHandler(), clock: TimeProvider.System, authToken: "wrong")
            .SendAsync(Message, CancellationToken.None);

        var ok = Assert.IsType<SendOutcome.Accepted>(accepted);
        Assert.Matches("^SM[0-9a-f]{32}$", ok.ProviderMessageId);
        Assert.Equal("queued", ok.Status);
        Assert.Equal(("20003", DeliveryFailureReasons.ProviderRejected),
            (Assert.IsType<SendOutcome.Rejected>(refused).ProviderErrorCode, ((SendOutcome.Rejected)refused).Reason));
        Assert.Equal([true, false], twilio.Requests.Select(r => r.Authorized));
        Assert.Equal(Message.Body, twilio.AcceptedMessages.Single().Body);
    }

    [Fact]
    public async Task A_text_Twilio_took_is_found_by_recipient_body_and_time_and_nothing_else_is()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        var gateway = Gateway(baseUrl: twilio.BaseUrl, http: new HttpClientHandler(), clock: TimeProvider.System, authToken: twilio.AuthToken);
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var sent = Assert.IsType<SendOutcome.Accepted>(await gateway.SendAsync(Message, CancellationToken.None));

        var found = await gateway.FindTakenAsync(Message, before, CancellationToken.None);
        var otherBody = await gateway.FindTakenAsync(Message with { Body = "another text" }, before, CancellationToken.None);
        var otherNumber = await gateway.FindTakenAsync(Message with { To = "+15559990000" }, before, CancellationToken.None);
        var tooEarly = await gateway.FindTakenAsync(Message, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        var refused = await Gateway(baseUrl: twilio.BaseUrl, http: new HttpClientHandler(), clock: TimeProvider.System, authToken: "wrong")
            .FindTakenAsync(Message, before, CancellationToken.None);

        Assert.Equal(sent.ProviderMessageId, found?.ProviderMessageId);
        Assert.All(new[] { otherBody, otherNumber, tooEarly }, Assert.Null);
        Assert.Null(refused); // could not ask: the caller sends
        Assert.Equal(5, twilio.ListRequests);
    }
}
