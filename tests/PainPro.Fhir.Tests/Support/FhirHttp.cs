using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using PainPro.Fhir;
using Xunit;

namespace PainPro.Fhir.Tests.Support;

/// <summary>One FHIR exchange: the status, the media type and the parsed resource (null when the body is not FHIR).</summary>
public sealed record FhirAnswer(HttpStatusCode Status, string? MediaType, Resource? Resource, string Body)
{
    public T As<T>() where T : Resource =>
        Resource as T ?? throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name}, got {(int)Status} {Body[..Math.Min(Body.Length, 600)]}");
}

/// <summary>A FHIR client over <see cref="HttpClient"/> that parses every answer with the SDK, as an EHR would.</summary>
public sealed class FhirHttp(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<FhirAnswer> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson.MediaType));
        return await SendAsync(request);
    }

    public async Task<FhirAnswer> PostAsync(string path, Resource resource) => await PostAsync(path, FhirJson.Serialize(resource));

    public async Task<FhirAnswer> PostAsync(string path, string body, string mediaType = FhirJson.MediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        return await SendAsync(request);
    }

    /// <summary>Every resource of a search, following its next links; each page is returned too, for validation.</summary>
    public async Task<(List<Resource> Resources, List<Bundle> Pages)> SearchAllAsync(string pathAndQuery)
    {
        var resources = new List<Resource>();
        var pages = new List<Bundle>();
        string? next = pathAndQuery;
        while (next is not null)
        {
            var answer = await GetAsync(next);
            Assert.True(answer.Status == HttpStatusCode.OK, $"{next} answered {(int)answer.Status}: {answer.Body}");
            var page = answer.As<Bundle>();
            Assert.Equal(Bundle.BundleType.Searchset, page.Type);
            pages.Add(page);
            resources.AddRange(page.Entry.Select(e => e.Resource!));
            next = page.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } url ? new Uri(url).PathAndQuery : null;
            Assert.True(pages.Count < 500, "a search that never ends");
        }
        return (resources, pages);
    }

    private async Task<FhirAnswer> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        Resource? resource = null;
        if (mediaType == FhirJson.MediaType) resource = FhirJson.Parse<Resource>(body);
        return new FhirAnswer(response.StatusCode, mediaType, resource, body);
    }
}
