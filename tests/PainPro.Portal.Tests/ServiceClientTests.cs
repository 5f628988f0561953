using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using PainPro.Portal.Clients;
using PainPro.Portal.Dashboard;
using PainPro.Portal.DevPhone;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class ServiceClientTests
{
    /// <summary>Answers every request with one canned response, and remembers the requests.</summary>
    private sealed class CannedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add(request);
            return Task.FromResult(answer(request));
        }
    }

    /// <summary>Answers each request from its body (read before the client disposes it).</summary>
    private sealed class LookupHandler(Func<string, string> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add(request);
            var body = await request.Content!.ReadAsStringAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer(body), Encoding.UTF8, "application/json") };
        }
    }

    private static (IngestionClient Client, CannedHandler Handler) Ingestion(HttpStatusCode status, string body = "[]", string type = "application/json")
    {
        var handler = new CannedHandler(_ => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, type) });
        return (new IngestionClient(new HttpClient(handler) { BaseAddress = new Uri("http://ingestion.test/") }), handler);
    }

    [Fact]
    public async Task Filters_travel_as_query_parameters_and_empty_ones_are_left_out()
    {
        var (client, handler) = Ingestion(HttpStatusCode.OK);

        await client.ListAlertsAsync("open", "high");
        await client.OutcomeSummaryAsync(new ReportFilter(null, new DateOnly(2026, 1, 5), null));

        Assert.Equal("http://ingestion.test/api/alerts?status=open&severity=high&limit=1000", handler.Requests[0].RequestUri!.ToString());
        Assert.Equal("http://ingestion.test/api/outcomes/summary?from=2026-01-05", handler.Requests[1].RequestUri!.ToString());
    }

    [Fact]
    public async Task A_validation_problem_becomes_its_field_messages()
    {
        var (client, _) = Ingestion(HttpStatusCode.BadRequest,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"outcome":["Say how the alert was resolved."]}}""",
            "application/problem+json");

        var error = await Assert.ThrowsAsync<ServiceApiException>(() => client.ResolveAsync(Guid.NewGuid(), "", null));

        Assert.True(error.IsRejection);
        Assert.Equal("Say how the alert was resolved.", error.Message);
    }

    [Fact]
    public async Task A_conflict_says_its_detail_and_a_bare_error_names_the_service()
    {
        var (conflict, _) = Ingestion(HttpStatusCode.Conflict, """{"status":409,"detail":"The alert is already resolved."}""", "application/problem+json");
        var (broken, _) = Ingestion(HttpStatusCode.InternalServerError, "");

        Assert.Equal("The alert is already resolved.", (await Assert.ThrowsAsync<ServiceApiException>(() => conflict.AcknowledgeAsync(Guid.NewGuid()))).Message);
        var failure = await Assert.ThrowsAsync<ServiceApiException>(() => broken.ListAlertsAsync("open"));
        Assert.StartsWith("Ingestion failed (500", failure.Message);
        Assert.False(failure.IsRejection);
    }

    [Fact]
    public async Task Not_found_is_an_ordinary_answer_for_a_look_up()
    {
        var (client, _) = Ingestion(HttpStatusCode.NotFound, """{"status":404,"title":"No such alert."}""", "application/problem+json");

        Assert.Null(await client.FindAlertAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_service_that_does_not_answer_is_reported_as_unavailable()
    {
        var handler = new CannedHandler(_ => throw new HttpRequestException("Connection refused"));
        var client = new SchedulingClient(new HttpClient(handler) { BaseAddress = new Uri("http://scheduling.test/") });

        var error = await Assert.ThrowsAsync<ServiceApiException>(() => client.SearchPatientsAsync("Ruiz"));

        Assert.Null(error.Status);
        Assert.Equal("Scheduling", error.Service);
        Assert.Contains("not answering", error.Message);
    }

    [Fact]
    public async Task Worklist_look_ups_name_a_page_of_patients_in_one_call_and_leave_out_those_Scheduling_cannot_find()
    {
        var known = Guid.NewGuid();
        var handler = new LookupHandler(body => body.Contains(known.ToString())
            ? $$"""[{"patientId":"{{known}}","mrn":"000123","givenName":"Ana","familyName":"Ruiz"}]""" : "[]");
        var client = new SchedulingClient(new HttpClient(handler) { BaseAddress = new Uri("http://scheduling.test/") });

        var found = await client.FindPatientsAsync([known, Guid.NewGuid(), known, .. Enumerable.Range(0, 250).Select(_ => Guid.NewGuid())]);

        Assert.Equal("Ana Ruiz", Assert.Single(found).Value.FullName);
        // 251 different ids: two look-ups of at most 200, not one per patient.
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("/api/patients/lookup", r.RequestUri!.AbsolutePath));
    }

    [Fact]
    public async Task Every_call_carries_the_Portal_key_and_the_signed_in_staff_member()
    {
        var accessor = new HttpContextAccessor
        {
            HttpContext = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "jo.nurse")], "Cookies")),
            },
        };
        var inner = new CannedHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]") });
        var handler = new ServiceCallHandler(new PortalServiceKey("portal-key"), accessor) { InnerHandler = inner };
        using var http = new HttpClient(handler);

        await http.GetAsync("http://ingestion.test/api/alerts");

        var sent = inner.Requests.Single();
        Assert.Equal("portal-key", sent.Headers.GetValues("X-Api-Key").Single());
        Assert.Equal("jo.nurse", sent.Headers.GetValues(ServiceCallHandler.ActingUserHeader).Single());
    }

    [Fact]
    public async Task Without_a_signed_in_user_no_acting_user_is_claimed()
    {
        var inner = new CannedHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        var handler = new ServiceCallHandler(new PortalServiceKey("portal-key"), new HttpContextAccessor()) { InnerHandler = inner };
        using var http = new HttpClient(handler);

        await http.GetAsync("http://ingestion.test/api/alerts");

        Assert.False(inner.Requests.Single().Headers.Contains(ServiceCallHandler.ActingUserHeader));
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Thanks &amp; bye</Message></Response>", new[] { "Thanks & bye" })]
    [InlineData("<Response><Message><Body>Next question</Body></Message><Message>Two</Message></Response>", new[] { "Next question", "Two" })]
    [InlineData("<Response/>", new string[0])]
    [InlineData("not xml at all", new string[0])]
    public void TwiML_answers_are_read_as_the_texts_the_patient_would_get(string twiml, string[] texts) =>
        Assert.Equal(texts, PhoneSimulator.ParseTwiml(twiml));
}
