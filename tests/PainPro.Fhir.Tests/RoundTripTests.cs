using System.Net;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using PainPro.Fhir.Tests.Support;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Scheduling;
using PainPro.Testing;
using Xunit;

namespace PainPro.Fhir.Tests;

/// <summary>
/// Done-when, on real PostgreSQL and RabbitMQ with Scheduling, Messaging and Ingestion as separate hosts on the dev
/// clock: a transaction Bundle enrolls a patient; after the clock moves past day 3 and a signed SMS reply, the
/// QuestionnaireResponse and pain Observation come back from the search with the reply's value. The same Bundle twice
/// is the same enrollment; a different one with the same identifiers is a 409.
/// </summary>
public sealed class RoundTripTests : IAsyncLifetime
{
    private PostgresDatabase postgres = null!;
    private RabbitMqVirtualHost rabbit = null!;
    private PainProTestHost scheduling = null!, messaging = null!, ingestion = null!;

    public async Task InitializeAsync()
    {
        postgres = await PostgresDatabase.CreateAsync();
        rabbit = await RabbitMqVirtualHost.CreateAsync();
        var ingestionPort = TestInfrastructure.FreePort();
        Dictionary<string, string?> Config() => new(PainProTestHost.Configuration.Production(postgres.ConnectionString, rabbit.Uri, simulatedClock: true))
        {
            ["PainPro:PublicBaseUrl"] = $"http://127.0.0.1:{ingestionPort}",
        };
        var hosts = await Task.WhenAll(
            PainProTestHost.StartAsync("scheduling", Config(), b => b.AddScheduling(), a => a.MapScheduling()),
            PainProTestHost.StartAsync("messaging", Config(), b => b.AddMessaging(), a => a.MapMessaging()),
            PainProTestHost.StartAsync("ingestion", Config(), b => b.AddIngestion(), a => a.MapIngestion(), port: ingestionPort));
        (scheduling, messaging, ingestion) = (hosts[0], hosts[1], hosts[2]);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { scheduling, messaging, ingestion }) await host.DisposeAsync();
        await rabbit.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_Bundle_enrolls_and_the_texted_day_3_pain_score_comes_back_as_QuestionnaireResponse_and_Observation()
    {
        var spec = ProcedureBundles.New(DateTimeOffset.UtcNow.AddHours(-1)) with { TimeZone = ZoneInsideSendWindowNow().Id, BaselineVas = 6 };
        var intake = new FhirHttp(scheduling.CreateClient());

        var first = (await intake.PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec))).As<Bundle>();
        var procedure = first.Entry[1].Response!;
        Assert.Equal("201 Created", procedure.Status);
        var again = (await intake.PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec))).As<Bundle>();
        Assert.Equal(("200 OK", procedure.Location), (again.Entry[1].Response!.Status, again.Entry[1].Response!.Location));
        var changed = await intake.PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec with { BodySite = "tibia" }));
        Assert.Equal(HttpStatusCode.Conflict, changed.Status);
        Assert.Contains(spec.ExternalId, changed.As<OperationOutcome>().Issue.Single().Diagnostics);

        // Past day 3 on every host's clock; Scheduling last, since its advance runs the claim that sends the survey.
        foreach (var host in new[] { ingestion, messaging, scheduling }) await host.AdvanceClockAsync("P3DT1H");
        using var messagingClient = messaging.CreateClient();
        await Eventually.TrueAsync(async () =>
            JsonNode.Parse(await messagingClient.GetStringAsync($"/dev/outbox?to={Uri.EscapeDataString(spec.Phone)}"))!.AsArray().Count > 0,
            "the day-3 text in the dev outbox");
        await ingestion.TextAsync(spec.Phone, "8");
        await ingestion.TextAsync(spec.Phone, "2");

        var results = new FhirHttp(ingestion.CreateClient());
        var patient = Uri.EscapeDataString($"{ProcedureBundles.MrnSystem}|{spec.Mrn}");
        var responses = await Eventually.GetAsync(
            async () => (await results.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={patient}")).Resources,
            found => found.Count == 1, "the day-3 QuestionnaireResponse");
        var response = (QuestionnaireResponse)responses[0];
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        Assert.Equal(procedure.Location, response.PartOf.Single().Reference);
        Assert.Equal(8, ((Integer)response.Item.Single(i => i.LinkId == "vas").Answer.Single().Value!).Value);
        Assert.Equal("same", ((Coding)response.Item.Single(i => i.LinkId == "analgesic").Answer.Single().Value!).Code);

        var (observations, _) = await results.SearchAllAsync(
            $"/fhir/r4/Observation?patient.identifier={patient}&code={Uri.EscapeDataString("http://loinc.org|72514-3")}");
        var pain = Assert.IsType<Observation>(Assert.Single(observations));
        Assert.Equal(8m, ((Quantity)pain.Value!).Value);
        Assert.Equal($"QuestionnaireResponse/{response.Id}", pain.DerivedFrom.Single().Reference);
        Assert.Equal(spec.Mrn, pain.Subject!.Identifier!.Value);

        // The same searches page and filter on PostgreSQL as on SQLite: one Observation per page, by date and update time.
        var (paged, pages) = await results.SearchAllAsync($"/fhir/r4/Observation?patient.identifier={patient}&date=ge2000-01-01&_count=1");
        Assert.Equal(["72514-3", "consensus-response-class"], paged.Cast<Observation>().Select(o => o.Code!.Coding[0].Code));
        Assert.Equal(2, pages.Count);
        Assert.Single((await results.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={patient}&_lastUpdated=gt2000-01")).Resources);
        Assert.Empty((await results.SearchAllAsync($"/fhir/r4/QuestionnaireResponse?patient.identifier={patient}&_lastUpdated=lt2000")).Resources);

        // Pain up 2 from the clinic baseline of 6 with analgesics the same: progression, and a pain-progression alert.
        var everything = (await results.GetAsync($"/fhir/r4/{response.Subject!.Reference}/$everything")).As<Bundle>();
        var resources = everything.Entry.Select(e => e.Resource!).ToList();
        Assert.Contains(resources.OfType<Observation>(), o => (o.Value as CodeableConcept)?.Coding[0].Code == "progression");
        var issue = Assert.Single(resources.OfType<DetectedIssue>());
        Assert.Contains(issue.Evidence[0].Code, c => c.Coding[0].Code == "pain-progression");
        Assert.Equal(DetectedIssue.DetectedIssueSeverity.High, issue.Severity);
    }

    /// <summary>A zone whose local time is well inside the 09:00–19:00 send window now (and so three days on).</summary>
    private static TimeZoneInfo ZoneInsideSendWindowNow()
    {
        string[] candidates = ["Pacific/Kiritimati", "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Pacific/Pago_Pago"];
        return candidates.Select(TimeZoneInfo.FindSystemTimeZoneById)
            .First(zone => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Hour is >= 10 and <= 16);
    }
}
