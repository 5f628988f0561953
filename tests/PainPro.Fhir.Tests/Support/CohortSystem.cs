using PainPro.AllInOne;
using PainPro.AllInOne.Demo;
using PainPro.Testing;
using Xunit;

namespace PainPro.Fhir.Tests.Support;

/// <summary>
/// AllInOne in process (SQLite, in-memory bus, dev clock) with a generated demo cohort lived through the public paths:
/// 120 days of enrollments, every timepoint, both MSTS variants, English and Spanish patients, texts and web forms,
/// alerts acknowledged and resolved. Shared by the tests that read it; each test that writes makes its own patients.
/// </summary>
public sealed class CohortSystem : IAsyncLifetime
{
    /// <summary>Enough patients that the fixed seed covers every shape (the tests assert that it does).</summary>
    public const int Patients = 70;

    public const string SiteProcedureCodes = "https://ehr.example/procedure-codes";
    public const string SiteBodySites = "https://ehr.example/body-sites";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "painpro-fhir-tests", Guid.NewGuid().ToString("N"));

    public PainProTestHost Host { get; private set; } = null!;

    public FhirHttp Api() => new(Host.CreateClient());

    /// <summary>Ingestion's SQLite file, for what no API shows (the audit log).</summary>
    public string IngestionDatabase => Path.Combine(directory, "ingestion.db");

    public FhirHttp Anonymous() => new(Host.CreateClient(withApiKey: false));

    public async Task InitializeAsync()
    {
        var configuration = PainProTestHost.Configuration.Embedded(directory);
        configuration["PainPro:Demo:Seed"] = "true";
        configuration["PainPro:Demo:Patients"] = Patients.ToString(System.Globalization.CultureInfo.InvariantCulture);
        configuration["PainPro:Demo:Step"] = "04:00:00";
        configuration["PainPro:Portal:DemoPassword"] = "fhir-test-password";
        // Test patients must get their texts whatever the hour of the run; the window itself is Scheduling's to test.
        configuration["PainPro:Scheduling:SendWindowStart"] = "00:00";
        configuration["PainPro:Scheduling:SendWindowEnd"] = "24:00";
        configuration["PainPro:Fhir:PageSize"] = "20";
        // A site's own codes, as an EHR that codes procedures and sites its way would configure them.
        configuration["PainPro:Fhir:ProcedureCodes:0:System"] = SiteProcedureCodes;
        configuration["PainPro:Fhir:ProcedureCodes:0:Code"] = "KYPHO-T";
        configuration["PainPro:Fhir:ProcedureCodes:0:Type"] = "kyphoplasty";
        configuration["PainPro:Fhir:BodySiteCodes:0:System"] = SiteBodySites;
        configuration["PainPro:Fhir:BodySiteCodes:0:Code"] = "T-SPINE";
        configuration["PainPro:Fhir:BodySiteCodes:0:Site"] = "thoracic-spine";
        Host = await PainProTestHost.StartAsync("allinone", configuration,
            add: builder =>
            {
                builder.AddAllServices();
                builder.AddDemo();
            },
            map: app => app.MapAllServices(),
            applicationName: "PainPro.AllInOne");
        var marker = Path.Combine(directory, "demo-seed.json");
        await Eventually.TrueAsync(async () => File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Contains("complete"),
            "the demo cohort to be seeded", TimeSpan.FromMinutes(6));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class CohortCollection : ICollectionFixture<CohortSystem>
{
    public const string Name = "cohort";
}

/// <summary>What tests do to the cohort system through its public paths: register by FHIR, text as a patient, move the clock.</summary>
public static class CohortActions
{
    public static async Task<Hl7.Fhir.Model.Bundle> RegisterAsync(this CohortSystem system, ProcedureBundles.Spec spec)
    {
        var answer = await system.Api().PostAsync("/fhir/r4", ProcedureBundles.Transaction(spec));
        Assert.True(answer.Status == System.Net.HttpStatusCode.OK, $"POST /fhir/r4 answered {(int)answer.Status}: {answer.Body}");
        return answer.As<Hl7.Fhir.Model.Bundle>();
    }

    /// <summary>Texts <paramref name="body"/> from the phone, signed as Twilio signs (a text that comes before its survey opened waits for it).</summary>
    public static Task<string> TextAsync(this PainProTestHost host, string phone, string body) =>
        Eventually.GetAsync(async () =>
        {
            using var client = host.CreateClient(withApiKey: false);
            using var response = await TwilioWebhook.PostSmsAsync(client, host.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
                TwilioWebhook.InboundSms(phone, body));
            var twiml = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}: {twiml}");
            return twiml;
        }, twiml => !Instruments.InstrumentCatalog.SupportedLocales.Any(l =>
            twiml.Contains(System.Security.SecurityElement.Escape(Instruments.InstrumentTexts.NoOpenSurvey(l).Trim())[..40], StringComparison.Ordinal)),
            $"Ingestion to take the text '{body}'");

    /// <summary>The system's dev clock: tests that moved it leave it ahead of the real time.</summary>
    public static async Task<DateTimeOffset> NowAsync(this CohortSystem system)
    {
        using var client = system.Host.CreateClient();
        return (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(client, "/dev/clock"))!["now"]!
            .GetValue<DateTimeOffset>();
    }

    public static async Task AdvanceClockAsync(this PainProTestHost host, string by)
    {
        using var client = host.CreateClient();
        using var response = await client.PostAsync("/dev/clock/advance",
            new StringContent($"{{\"by\":\"{by}\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"clock advance answered {(int)response.StatusCode}");
    }
}
