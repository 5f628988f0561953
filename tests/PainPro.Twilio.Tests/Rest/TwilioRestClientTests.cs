using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Twilio.Rest;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace PainPro.Twilio.Tests.Rest;

/// <summary>The pipeline under the SDK's clients: where requests go, and what each way of failing says about whether anything was sent.</summary>
public class TwilioRestClientTests
{
    private const string Created = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""";

    private static TwilioRestClientFactory Factory(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer,
        string baseUrl = "https://api.twilio.com", TimeSpan? timeout = null)
    {
        var services = new ServiceCollection();
        services.AddTwilioRestClients(_ => new TwilioApiSettings(new Uri(baseUrl), timeout ?? TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)))
            .ConfigurePrimaryHttpMessageHandler(() => new Scripted(answer));
        return services.BuildServiceProvider().GetRequiredService<TwilioRestClientFactory>();
    }

    private static Task<MessageResource> SendAsync(TwilioRestClientFactory factory) =>
        MessageResource.CreateAsync(new CreateMessageOptions(new PhoneNumber("+15551230001")) { From = new PhoneNumber("+15550009999"), Body = "hi" },
            factory.Create("AC0123", "token"));

    [Theory]
    [InlineData("http://127.0.0.1:5999", "http://127.0.0.1:5999/2010-04-01/Accounts/AC0123/Messages.json")]
    [InlineData("https://proxy.example/twilio/", "https://proxy.example/twilio/2010-04-01/Accounts/AC0123/Messages.json")]
    [InlineData("https://api.twilio.com", "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages.json")]
    public async Task Requests_the_SDK_addresses_to_api_twilio_com_go_to_the_configured_origin(string baseUrl, string expected)
    {
        Uri? called = null;
        var factory = Factory((request, _) =>
        {
            called = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Created, Encoding.UTF8, "application/json") });
        }, baseUrl);

        var message = await SendAsync(factory);

        Assert.Equal("SM0123456789abcdef0123456789abcdef", message.Sid);
        Assert.Equal(expected, called?.ToString());
    }

    [Fact]
    public async Task A_response_that_never_comes_is_our_timeout_and_may_have_been_sent()
    {
        var factory = Factory(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }, timeout: TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<ApiConnectionException>(() => SendAsync(factory));

        Assert.IsType<TwilioTimeoutException>(failure.InnerException);
        Assert.False(TwilioConnectionFailures.NothingWasSent(failure));
    }

    [Fact]
    public async Task A_body_that_stops_halfway_is_bounded_by_the_same_timeout()
    {
        var factory = Factory((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StreamContent(new StallingStream()) }),
            timeout: TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<ApiConnectionException>(() => SendAsync(factory));

        Assert.IsType<TwilioTimeoutException>(failure.InnerException);
        Assert.False(TwilioConnectionFailures.NothingWasSent(failure));
    }

    public static TheoryData<Exception, bool> TransportFailures => new()
    {
        // What SocketsHttpHandler throws when its ConnectTimeout passes: a cancellation carrying a TimeoutException.
        { new TaskCanceledException("A connection could not be established within the configured ConnectTimeout.", new TimeoutException()), true },
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused"), true },
        { new HttpRequestException(HttpRequestError.NameResolutionError, "no such host"), true },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "TLS"), true },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "reset"), false },
        { new HttpRequestException(HttpRequestError.Unknown, "?"), false },
        { new IOException("broken pipe"), false },
    };

    [Theory, MemberData(nameof(TransportFailures))]
    public async Task Only_a_failure_before_the_connection_existed_counts_as_nothing_sent(Exception thrown, bool nothingSent)
    {
        var factory = Factory((_, _) => Task.FromException<HttpResponseMessage>(thrown));

        var failure = await Assert.ThrowsAsync<ApiConnectionException>(() => SendAsync(factory));

        Assert.Same(thrown, failure.InnerException);
        Assert.Equal(nothingSent, TwilioConnectionFailures.NothingWasSent(failure));
        Assert.DoesNotContain("+1555", TwilioConnectionFailures.Describe(failure));
    }

    private sealed class Scripted(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => answer(request, ct);
    }

    /// <summary>A body that gives a few bytes and then waits forever (until cancelled).</summary>
    private sealed class StallingStream : Stream
    {
        private bool gave;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (!gave)
            {
                gave = true;
                buffer.Span[0] = (byte)'{';
                return 1;
            }
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
