using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PainPro.Portal.Clients;

/// <summary>A service answered with an error, or did not answer. <see cref="Message"/> is fit to show staff.</summary>
public sealed class ServiceApiException(string service, HttpStatusCode? status, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;

    /// <summary>Null when the service could not be reached at all.</summary>
    public HttpStatusCode? Status { get; } = status;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    /// <summary>The caller's request was refused as invalid (400/409/422): the message says why.</summary>
    public bool IsRejection => Status is HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity;
}

/// <summary>
/// Shared plumbing of the typed clients: JSON in camelCase, problem details turned into a readable
/// <see cref="ServiceApiException"/>, and transport failures reported as "service unavailable", never a raw stack.
/// </summary>
public abstract class ServiceApiClient(HttpClient http, string service)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected HttpClient Http => http;

    protected async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>Null on 404, for look-ups where "not there" is an ordinary answer.</summary>
    protected async Task<T?> FindAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct, allowNotFound: true);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<T>(response, ct);
    }

    protected async Task<T> PostAsync<T>(string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }, options: Json) };
        using var response = await SendAsync(request, ct);
        return await ReadAsync<T>(response, ct);
    }

    protected async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    protected async Task PostAsync(string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }, options: Json) };
        using var response = await SendAsync(request, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, bool allowNotFound = false)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ServiceApiException(service, null, $"{service} is not answering right now. Try again in a moment.", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ServiceApiException(service, null, $"{service} did not answer in time. Try again in a moment.", ex);
        }
        finally { request.Dispose(); }

        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)) return response;
        using (response)
        {
            throw new ServiceApiException(service, response.StatusCode, await DescribeAsync(response, ct, service));
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct)
                ?? throw new ServiceApiException(service, response.StatusCode, $"{service} answered with an empty body.");
        }
        catch (JsonException ex)
        {
            throw new ServiceApiException(service, response.StatusCode, $"{service} answered in a shape the Portal does not understand.", ex);
        }
    }

    /// <summary>
    /// The problem details' field errors or detail. Titles are skipped: they only restate the status
    /// ("Not Found"), which the fallback says better, naming the service.
    /// </summary>
    internal static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken ct, string service = "The service")
    {
        var fallback = (int)response.StatusCode >= 500
            ? $"{service} failed ({(int)response.StatusCode} {response.ReasonPhrase}). Try again in a moment."
            : $"{service} refused the request ({(int)response.StatusCode} {response.ReasonPhrase}).";
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return fallback;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                var messages = errors.EnumerateObject()
                    .SelectMany(e => e.Value.ValueKind == JsonValueKind.Array ? e.Value.EnumerateArray().Select(m => m.ToString()) : [e.Value.ToString()])
                    .Where(m => m.Length > 0)
                    .ToList();
                if (messages.Count > 0) return string.Join(" ", messages);
            }
            return root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString() is { Length: > 0 } message
                ? message
                : fallback;
        }
        catch (JsonException) { return fallback; }
    }

    protected static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).ToList();
        if (present.Count == 0) return path;
        return path + "?" + string.Join("&", present.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
    }
}
