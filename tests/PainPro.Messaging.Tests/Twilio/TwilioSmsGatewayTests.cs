using PainPro.Contracts;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.RateLimiting;
using PainPro.Messaging.Surveys;
using PainPro.Messaging.Tests.Support;
using PainPro.Messaging.Twilio;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;
using PainPro.Testing.Twilio;
using PainPro.Twilio.Rest;

namespace PainPro.Messaging.Tests.Twilio;

public class TwilioSmsGatewayTests
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "secret-token";
    private const string Created = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","error_code":null}""";
    private static readonly SmsMessage Message = new("+15551230001", "Hi Ana, how bad is the pain?");

    private readonly FakeHttpHandler handler = new();
    private readonly ManualTimeProvider time = new();

    /// <summary>
    /// The gateway as Messaging registers it (<see cref="TwilioSmsRegistration.AddTwilioSms"/>): on the scripted handler
    /// and the manual clock, or <paramref name="overTheNetwork"/> on the real sockets handler and clock.
    /// </summary>
    private TwilioSmsGateway Gateway(Action<TwilioClientOptions>? configure = null, string baseUrl = "https://api.twilio.test",
        bool overTheNetwork = false, string authToken = AuthToken)
    {
        var twilio = new TwilioClientOptions { BaseUrl = baseUrl, AccountSid = AccountSid, From = "+15550009999", RatePerSecond = 0 };
        configure?.Invoke(twilio);
        var painPro = new PainProOptions { PublicBaseUrl = "https://painpro.example.org/", Twilio = { AuthToken = authToken } };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(overTheNetwork ? TimeProvider.System : time);
        services.AddSingleton(Options.Create(new MessagingOptions { Twilio = twilio }));
        services.AddSingleton(Options.Create(painPro));
        services.AddSingleton<Credentials>();
        services.AddSingleton(sp => new SenderRateLimits(sp.GetRequiredService<TimeProvider>()));
        services.AddTwilioSms();
        if (!overTheNetwork) services.AddHttpClient(TwilioRestClientFactory.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        return (TwilioSmsGateway)services.BuildServiceProvider().GetRequiredService<ISmsGateway>();
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
    [InlineData(400, 21612, DeliveryFailureReasons.Unreachable)]
    [InlineData(400, 21999, DeliveryFailureReasons.ProviderRejected)]
    [InlineData(404, 20404, DeliveryFailureReasons.ProviderRejected)]
    public async Task A_4xx_about_the_patients_number_or_the_message_is_a_rejection_with_its_reason(int status, int code, string reason)
    {
        handler.Then((HttpStatusCode)status, Error(code));

        var outcome = await SendAsync(Gateway());

        var rejected = Assert.IsType<SendOutcome.Rejected>(outcome);
        Assert.Equal((reason, code.ToString()), (rejected.Reason, rejected.ProviderErrorCode));
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData(401, 20003)]
    [InlineData(400, 21606)]
    [InlineData(400, 21659)]
    [InlineData(400, 21212)]
    [InlineData(400, 21703)]
    [InlineData(400, 21608)]
    [InlineData(400, 21408)]
    public async Task A_4xx_about_our_own_account_or_sender_is_a_sender_refusal_not_a_rejection(int status, int code)
    {
        handler.Then((HttpStatusCode)status, Error(code));

        var outcome = await SendAsync(Gateway());

        Assert.Equal(code.ToString(), Assert.IsType<SendOutcome.SenderRefused>(outcome).ProviderErrorCode);
    }

    [Fact]
    public async Task A_401_without_a_body_is_our_failed_authentication()
    {
        handler.Then(HttpStatusCode.Unauthorized, "");

        Assert.Equal("20003", Assert.IsType<SendOutcome.SenderRefused>(await SendAsync(Gateway())).ProviderErrorCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_429_or_5xx_is_one_request_reported_unavailable_for_the_caller_to_defer(HttpStatusCode status)
    {
        handler.Then(status, Error(20500));

        var outcome = await SendAsync(Gateway());

        Assert.Equal(new SendOutcome.Unavailable($"Twilio answered {(int)status}"), outcome);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task The_Retry_After_Twilio_names_travels_with_the_outcome_in_seconds_or_as_a_date()
    {
        var sentAt = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        handler.Then(HttpStatusCode.TooManyRequests, Error(20429), r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
               .Then(HttpStatusCode.ServiceUnavailable, "", r =>
               {
                   r.Headers.Date = sentAt;
                   r.Headers.RetryAfter = new RetryConditionHeaderValue(sentAt.AddSeconds(7));
               });

        var inSeconds = Assert.IsType<SendOutcome.Unavailable>(await SendAsync(Gateway()));
        var asDate = Assert.IsType<SendOutcome.Unavailable>(await SendAsync(Gateway()));

        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7)), (inSeconds.RetryAfter, asDate.RetryAfter));
    }

    [Fact]
    public async Task A_request_waits_for_nothing_but_the_turn_the_caller_took()
    {
        handler.Then(HttpStatusCode.ServiceUnavailable, "").Then(HttpStatusCode.Created, Created);
        var gateway = Gateway(o => o.RatePerSecond = 0.5);

        var first = await gateway.SendAsync(Message, await gateway.TakeTurnAsync(CancellationToken.None), CancellationToken.None);
        var turn = gateway.TakeTurnAsync(CancellationToken.None);
        Assert.False(turn.IsCompleted); // the next request waits 2 s for the bucket, retry or not
        time.Advance(TimeSpan.FromSeconds(2));
        var second = await gateway.SendAsync(Message, await turn, CancellationToken.None);

        Assert.IsType<SendOutcome.Unavailable>(first);
        Assert.IsType<SendOutcome.Accepted>(second);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_timeout_once_connected_is_an_unknown_outcome_and_is_not_retried()
    {
        handler.ThenHang();

        var outcome = await SendAsync(Gateway(o => o.Timeout = TimeSpan.FromSeconds(5)));

        Assert.IsType<SendOutcome.Unknown>(outcome);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_connection_that_never_opened_sent_nothing_so_it_is_unavailable_not_in_doubt()
    {
        // What SocketsHttpHandler throws when its ConnectTimeout passes: a cancellation carrying a TimeoutException.
        handler.ThenThrow(new TaskCanceledException("A connection could not be established within the configured ConnectTimeout.", new TimeoutException()));
        handler.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        Assert.IsType<SendOutcome.Unavailable>(await SendAsync(Gateway()));
        Assert.IsType<SendOutcome.Unavailable>(await SendAsync(Gateway()));
        Assert.Equal(2, handler.Requests.Count);
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

        var accepted = await Gateway(baseUrl: twilio.BaseUrl, overTheNetwork: true, authToken: twilio.AuthToken)
            .SendAsync(Message, CancellationToken.None);
        var refused = await Gateway(baseUrl: twilio.BaseUrl, overTheNetwork: true, authToken: "wrong")
            .SendAsync(Message, CancellationToken.None);

        var ok = Assert.IsType<SendOutcome.Accepted>(accepted);
        Assert.Matches("^SM[0-9a-f]{32}$", ok.ProviderMessageId);
        Assert.Equal("queued", ok.Status);
        Assert.Equal("20003", Assert.IsType<SendOutcome.SenderRefused>(refused).ProviderErrorCode);
        Assert.Equal([true, false], twilio.Requests.Select(r => r.Authorized));
        Assert.Equal(Message.Body, twilio.AcceptedMessages.Single().Body);
    }

    [Fact]
    public async Task A_text_Twilio_took_is_found_by_recipient_body_and_time_and_nothing_else_is()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        var gateway = Gateway(baseUrl: twilio.BaseUrl, overTheNetwork: true, authToken: twilio.AuthToken);
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var sent = Assert.IsType<SendOutcome.Accepted>(await gateway.SendAsync(Message, CancellationToken.None));

        var found = await gateway.FindTakenAsync(Message, before, CancellationToken.None);
        var otherBody = await gateway.FindTakenAsync(Message with { Body = "another text" }, before, CancellationToken.None);
        var otherNumber = await gateway.FindTakenAsync(Message with { To = "+15559990000" }, before, CancellationToken.None);
        var tooEarly = await gateway.FindTakenAsync(Message, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        var refused = await Gateway(baseUrl: twilio.BaseUrl, overTheNetwork: true, authToken: "wrong")
            .FindTakenAsync(Message, before, CancellationToken.None);

        Assert.Equal(sent.ProviderMessageId, found?.ProviderMessageId);
        Assert.All(new[] { otherBody, otherNumber, tooEarly }, Assert.Null);
        Assert.Null(refused); // could not ask: the caller sends
        Assert.Equal(5, twilio.ListRequests);
    }

    /// <summary>The gateway over the network to <paramref name="twilio"/>, with the production pipeline (sockets, timeouts).</summary>
    private TwilioSmsGateway Against(TwilioDouble twilio, Action<TwilioClientOptions>? configure = null) =>
        Gateway(configure, twilio.BaseUrl, overTheNetwork: true, authToken: twilio.AuthToken);

    [Fact]
    public async Task Against_the_double_a_connection_refused_is_unavailable()
    {
        var outcome = await Gateway(baseUrl: $"http://127.0.0.1:{TestInfrastructure.FreePort()}", overTheNetwork: true).SendAsync(Message, CancellationToken.None);

        Assert.StartsWith("Connection to Twilio failed: ConnectionError", Assert.IsType<SendOutcome.Unavailable>(outcome).Detail);
    }

    [Fact]
    public async Task Against_the_double_a_connection_cut_after_the_request_is_an_unknown_outcome()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        twilio.Enqueue(TwilioAnswer.Reset());

        var outcome = await Against(twilio).SendAsync(Message, CancellationToken.None);

        Assert.IsType<SendOutcome.Unknown>(outcome);
        Assert.Single(twilio.AcceptedMessages); // Twilio had it: sending again would text the patient twice
    }

    [Fact]
    public async Task Against_the_double_an_answer_slower_than_the_timeout_is_an_unknown_outcome()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        twilio.Enqueue(TwilioAnswer.Slow(TimeSpan.FromSeconds(30)));

        var outcome = await Against(twilio, o => o.Timeout = TimeSpan.FromSeconds(1)).SendAsync(Message, CancellationToken.None);

        Assert.Equal("Twilio did not answer within 1 s", Assert.IsType<SendOutcome.Unknown>(outcome).Detail);
        Assert.Single(twilio.Requests);
    }

    [Fact]
    public async Task Against_the_double_5xx_and_429_are_unavailable_with_the_Retry_After_Twilio_names()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        twilio.Enqueue(TwilioAnswer.ServerError(), TwilioAnswer.ServiceUnavailable(TimeSpan.FromSeconds(5)), TwilioAnswer.TooManyRequests(TimeSpan.FromSeconds(3)));
        var gateway = Against(twilio);

        var outcomes = new List<SendOutcome>();
        for (var i = 0; i < 3; i++) outcomes.Add(await gateway.SendAsync(Message, CancellationToken.None));

        Assert.Equal(
            [new SendOutcome.Unavailable("Twilio answered 500"), new SendOutcome.Unavailable("Twilio answered 503", TimeSpan.FromSeconds(5)),
             new SendOutcome.Unavailable("Twilio answered 429", TimeSpan.FromSeconds(3))],
            outcomes);
        Assert.Equal(3, twilio.Requests.Count); // one request each: the SDK never retries on its own
    }

    [Theory]
    [InlineData(21610, DeliveryFailureReasons.OptedOut)]
    [InlineData(21211, DeliveryFailureReasons.InvalidNumber)]
    public async Task Against_the_double_a_4xx_with_the_patients_error_code_is_a_rejection(int code, string reason)
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        twilio.Enqueue(TwilioAnswer.Error(400, code, "Twilio says no"));

        var outcome = await Against(twilio).SendAsync(Message, CancellationToken.None);

        var rejected = Assert.IsType<SendOutcome.Rejected>(outcome);
        Assert.Equal((reason, code.ToString()), (rejected.Reason, rejected.ProviderErrorCode));
    }

    [Fact]
    public async Task Against_the_double_our_refused_From_number_is_a_sender_refusal()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        twilio.Enqueue(TwilioAnswer.FromNumberCannotSend());

        Assert.Equal("21606", Assert.IsType<SendOutcome.SenderRefused>(await Against(twilio).SendAsync(Message, CancellationToken.None)).ProviderErrorCode);
    }

    [Fact]
    public async Task Against_the_double_a_201_for_a_message_that_already_failed_is_accepted_with_status_failed()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);
        twilio.Enqueue(TwilioAnswer.AcceptedButFailed());

        var outcome = await Against(twilio).SendAsync(Message, CancellationToken.None);

        // The dispatcher records it failed on arrival (provider-rejected), not sent.
        Assert.Equal("failed", Assert.IsType<SendOutcome.Accepted>(outcome).Status);
    }

    [Fact]
    public async Task A_Messaging_Service_sends_through_the_SDK_as_MessagingServiceSid_and_the_status_is_the_SDKs()
    {
        await using var twilio = await TwilioDouble.StartAsync(AccountSid);

        var outcome = await Against(twilio, o => o.MessagingServiceSid = "MG0123456789abcdef0123456789abcdef").SendAsync(Message, CancellationToken.None);

        Assert.Equal("accepted", Assert.IsType<SendOutcome.Accepted>(outcome).Status);
        var request = Assert.Single(twilio.AcceptedMessages);
        Assert.Equal(("MG0123456789abcdef0123456789abcdef", null, "https://painpro.example.org/webhooks/twilio/status"),
            (request.MessagingServiceSid, request.From, request.StatusCallback));
    }
}
