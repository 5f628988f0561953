using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace PainPro.Messaging.Tests.Support;

/// <summary>An HTTP handler that answers from a script and records what it was sent (bodies read eagerly).</summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> script = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public FakeHttpHandler Then(HttpStatusCode status, string json, Action<HttpResponseMessage>? configure = null)
    {
        script.Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            configure?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public FakeHttpHandler Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        script.Enqueue(answer);
        return this;
    }

    public FakeHttpHandler ThenThrow(Exception exception) => Then((_, _) => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers; only the caller's cancellation ends the wait.</summary>
    public FakeHttpHandler ThenHang() => Then(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
        if (!script.TryDequeue(out var answer)) throw new InvalidOperationException("The fake HTTP handler has no answer left.");
        return await answer(request, ct);
    }

    public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string Body)
    {
        public IReadOnlyDictionary<string, string> Form => Body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""));
    }
}
