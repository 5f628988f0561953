using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Scheduling;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.Testing;
using PainPro.Testing.Twilio;
using Xunit;
using Xunit.Abstractions;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>
/// One enrollment through its day-3 survey on RabbitMQ and a database server (PostgreSQL, SQL Server), three separate hosts, the SMS through a Twilio
/// double, the care-team notice through SMTP, every span recorded in memory: each causal chain is one trace, a claim
/// links to its intake, and no span carries anything that names the patient.
/// </summary>
public sealed class TracingTests(ITestOutputHelper output)
{
    private const string CareTeamEmail = "care-team@riverside.example.org";

    [DatabaseTheory, MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task Each_causal_chain_of_a_survey_is_one_trace_across_the_services_and_no_span_names_the_patient(string provider)
    {
        await using var database = (await TestDatabase.CreateServerAsync(provider))!;
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        await using var twilio = await TwilioDouble.StartAsync(authToken: PainProTestHost.Configuration.TwilioAuthToken);
        var spans = new SpanRecorder();
        var metrics = new List<Metric>();
        var ingestionPort = TestInfrastructure.FreePort();
        var publicBaseUrl = $"http://127.0.0.1:{ingestionPort}";
        Dictionary<string, string?> Config() => new(PainProTestHost.Configuration.Production(database.Provider, database.ConnectionString, rabbit.Uri))
        {
            ["PainPro:PublicBaseUrl"] = publicBaseUrl,
            ["PainPro:Telemetry:Enabled"] = "true",
            ["PainPro:Messaging:Sms:Provider"] = "twilio",
            ["PainPro:Messaging:Twilio:BaseUrl"] = twilio.BaseUrl,
            ["PainPro:Messaging:Twilio:AccountSid"] = twilio.AccountSid,
            ["PainPro:Messaging:Twilio:From"] = "+15550001111",
            ["PainPro:Messaging:Email:Provider"] = "smtp",
            ["PainPro:Messaging:Smtp:Host"] = TestInfrastructure.Smtp.Host,
            ["PainPro:Messaging:Smtp:Port"] = TestInfrastructure.Smtp.Port.ToString(),
            ["PainPro:Messaging:Smtp:EnableSsl"] = "false",
            ["PainPro:Messaging:Smtp:From"] = "surveys@riverside.example.org",
            ["PainPro:Messaging:CareTeam:Emails:0"] = CareTeamEmail,
        };

        // The hosts share this process, and so its ActivitySources: one exporter, on one host, sees every span once.
        var hosts = await Task.WhenAll(
            PainProTestHost.StartAsync("scheduling", Config(), b =>
            {
                b.AddScheduling();
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(spans)));
            }, a => a.MapScheduling()),
            PainProTestHost.StartAsync("messaging", Config(), b =>
            {
                b.AddMessaging();
                b.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            }, a => a.MapMessaging()),
            PainProTestHost.StartAsync("ingestion", Config(), b => b.AddIngestion(), a => a.MapIngestion(), port: ingestionPort));
        try
        {
            var patient = Patient.New();
            using var scheduling = hosts[0].CreateClient();
            using var ingestion = hosts[2].CreateClient();
            var enrollmentId = await RegisterDueNowAsync(scheduling, patient);

            // Day 3 is due at once: the claim hands it to Messaging, which texts it through the Twilio double.
            await Eventually.TrueAsync(() => Task.FromResult(twilio.AcceptedMessages.Any(m => m.Form.GetValueOrDefault("To") == patient.Phone)),
                "the day-3 text at the Twilio double");
            await ReplyAsync(ingestion, publicBaseUrl, patient.Phone, "9"); // baseline 6: pain-progression, high
            await ReplyAsync(ingestion, publicBaseUrl, patient.Phone, "2"); // analgesics the same: day 3 complete
            await Eventually.TrueAsync(async () =>
                JsonNode.Parse(await scheduling.GetStringAsync($"/api/enrollments/{enrollmentId}"))!["surveys"]!.AsArray()
                    .Any(s => s!["timepoint"]!.GetValue<string>() == "day3" && s["status"]!.GetValue<string>() == "completed"),
                "Scheduling to hear day 3 completed");
            await Eventually.TrueAsync(() => Task.FromResult(spans.Spans.Any(s => s.Name == "notify care team")),
                "the care-team notice to be sent");
            // Quiet: nothing left for any relay to publish, so every chain has finished.
            await Eventually.TrueAsync(async () => await UnsentAsync(hosts) == 0, "every outbox relayed");

            var all = spans.Spans;
            Trace(all);
            await TraceTable.WriteAsync(all, new Dictionary<int, string>
            {
                [new Uri(hosts[0].BaseUrl).Port] = "Scheduling", [new Uri(hosts[1].BaseUrl).Port] = "Messaging", [ingestionPort] = "Ingestion",
                [new Uri(twilio.BaseUrl).Port] = "Twilio double",
            });
            var intake = TraceOf(all, s => s.Kind == System.Diagnostics.ActivityKind.Server && s.Name.StartsWith("POST /api/procedures", StringComparison.Ordinal));
            var claim = TraceOf(all, s => s.Source == "PainPro.Scheduling" && s.Name == "claim due surveys");
            var alertReply = TraceOf(all, s => s.Name == "evaluate alert rules" && s.Tags.GetValueOrDefault("painpro.outcome") == "alert");

            // The intake: the request, EnrollmentCreated relayed and consumed by Ingestion (the baseline).
            Assert.Contains(intake, s => s.Name == "outbox relay EnrollmentCreated");
            Assert.Contains(intake, s => Consumed(s, "ingestion-enrollment-created"));

            // The claim, days after an intake in real life: linked to it; its SurveyDue reaches Messaging, which calls
            // Twilio under its send span, and Ingestion, which opens the survey.
            var claimSpan = claim.Single(s => s.Name == "claim due surveys");
            Assert.Contains(intake[0].TraceId, claimSpan.LinkedTraceIds);
            var send = Assert.Single(claim, s => s.Source == "PainPro.Messaging" && s.Name == "send survey");
            Assert.Equal("accepted", send.Tags["painpro.outcome"]);
            Assert.Contains(claim, s => s.Kind == System.Diagnostics.ActivityKind.Client && s.ParentSpanId == send.SpanId
                && s.Tags.GetValueOrDefault("server.port") == new Uri(twilio.BaseUrl).Port.ToString());
            Assert.Contains(claim, s => Consumed(s, "messaging-survey-due"));
            Assert.Contains(claim, s => Consumed(s, "ingestion-survey-due"));

            // The reply that raised the alert: the signed webhook, the rules, PainAlertRaised relayed, consumed by
            // Messaging, and the care-team notice sent under the same trace.
            Assert.Contains(alertReply, s => s.Kind == System.Diagnostics.ActivityKind.Server && s.Name == "POST /webhooks/twilio/sms");
            Assert.Contains(alertReply, s => s.Name == "handle sms reply" && s.Tags.GetValueOrDefault("painpro.outcome") == "answered");
            Assert.Contains(alertReply, s => s.Name == "outbox relay PainAlertRaised");
            Assert.Contains(alertReply, s => Consumed(s, "messaging-pain-alert-raised"));
            Assert.Contains(alertReply, s => s.Name == "notify care team" && s.Tags.GetValueOrDefault("painpro.outcome") == "accepted");
            // The reply that completed the survey: SurveyCompleted consumed by Scheduling, in that reply's trace.
            var completing = TraceOf(all, s => s.Name == "outbox relay SurveyCompleted");
            Assert.Contains(completing, s => s.Kind == System.Diagnostics.ActivityKind.Server && s.Name == "POST /webhooks/twilio/sms");
            Assert.Contains(completing, s => Consumed(s, "scheduling-survey-completed"));

            // Database command spans are opt-in (PainPro:Telemetry:DatabaseSpans, DatabaseSpanTests): none by default.
            Assert.DoesNotContain(all, s => s.Source == PainProActivity.NpgsqlSource);

            // Nothing that names the patient, anywhere in any span.
            foreach (var span in all)
            foreach (var text in span.Texts)
            foreach (var identifier in patient.Identifiers)
                Assert.False(text.Contains(identifier, StringComparison.OrdinalIgnoreCase), $"span {span} carries '{identifier}' in '{text}'");

            // Twilio's latency and status are measured.
            hosts[1].Services.GetRequiredService<MeterProvider>().ForceFlush();
            var twilioRequests = metrics.Where(m => m.Name == PainProMetrics.Names.ProviderRequestDuration).SelectMany(Points).ToList();
            Assert.Contains(twilioRequests, p => p.Tags.GetValueOrDefault("provider") == "twilio"
                && p.Tags.GetValueOrDefault("http.response.status_code") == "201" && p.Count >= 1);
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }

    /// <summary>Outbox rows not yet relayed, in every service's database, each read as its service reads it.</summary>
    private static async Task<long> UnsentAsync(IEnumerable<PainProTestHost> hosts)
    {
        long unsent = 0;
        foreach (var db in hosts.SelectMany(h => h.Services.GetServices<ServiceDatabase>()))
            unsent += await db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), CancellationToken.None);
        return unsent;
    }

    private static bool Consumed(RecordedSpan span, string queue) =>
        span.Source == PainProActivity.MassTransitSource && span.Kind == System.Diagnostics.ActivityKind.Consumer
        && span.Tags.Values.Any(v => v.Contains(queue, StringComparison.Ordinal));

    /// <summary>Every span of the one trace that holds a span matching <paramref name="root"/>, the matching one first.</summary>
    private static List<RecordedSpan> TraceOf(IReadOnlyList<RecordedSpan> all, Func<RecordedSpan, bool> root)
    {
        var first = all.FirstOrDefault(root) ?? throw new Xunit.Sdk.XunitException("no span matched; recorded:\n" + string.Join("\n", all));
        return [first, .. all.Where(s => s.TraceId == first.TraceId && s != first)];
    }

    private void Trace(IReadOnlyList<RecordedSpan> all)
    {
        foreach (var trace in all.GroupBy(s => s.TraceId).Where(t => t.Any(s => s.Source.StartsWith("PainPro", StringComparison.Ordinal))))
        {
            output.WriteLine($"trace {trace.Key}");
            foreach (var span in trace.OrderBy(s => s.Start)) output.WriteLine("  " + span);
        }
    }

    internal static IEnumerable<(IReadOnlyDictionary<string, string> Tags, long Count, double Sum)> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, string>();
            foreach (var tag in point.Tags) tags[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            var (count, sum) = metric.MetricType switch
            {
                MetricType.Histogram => (point.GetHistogramCount(), point.GetHistogramSum()),
                MetricType.LongSum => (point.GetSumLong(), point.GetSumLong()),
                MetricType.DoubleGauge => (1L, point.GetGaugeLastValueDouble()),
                _ => (0L, 0d),
            };
            yield return (tags, count, sum);
        }
    }

    internal static async Task<Guid> RegisterDueNowAsync(HttpClient scheduling, Patient patient)
    {
        var zone = ThinSlice.ZoneInsideSendWindowNow();
        var performedAt = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddDays(-3).AddHours(-1), zone);
        var response = await scheduling.PostAsJsonAsync("/api/procedures", new
        {
            externalId = "EHR-" + Guid.NewGuid().ToString("N")[..10],
            patient = new
            {
                mrn = patient.Mrn, givenName = patient.GivenName, familyName = patient.FamilyName,
                phone = patient.Phone, email = patient.Email, preferredChannel = "sms", locale = "en", timeZone = zone.Id,
            },
            procedure = new { type = "cementoplasty", bodySite = "femur", performedAt, facility = "Main", surgeon = "Dr. Lee" },
            baseline = new { vas = 6, recordedAt = performedAt.AddHours(-5) },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["enrollmentId"]!.GetValue<Guid>();
    }

    /// <summary>Replies by signed webhook until Ingestion has opened the survey (it may hear SurveyDue after Messaging).</summary>
    private static Task ReplyAsync(HttpClient ingestion, string publicBaseUrl, string phone, string body) =>
        Eventually.TrueAsync(async () =>
        {
            var response = await TwilioWebhook.PostSmsAsync(ingestion, publicBaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
                TwilioWebhook.InboundSms(phone, body));
            Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}");
            return !ThinSlice.IsNoOpenSurvey(await response.Content.ReadAsStringAsync());
        }, $"Ingestion to take the reply '{body}'");

    /// <summary>A patient whose every identifier is unique enough to be found if it leaked into a span.</summary>
    internal sealed record Patient(string Mrn, string GivenName, string FamilyName, string Phone, string Email)
    {
        public static Patient New()
        {
            var tag = Guid.NewGuid().ToString("N")[..6];
            var digits = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString();
            return new Patient("MRN" + digits, "Anwen" + Letters(), "Ruizal" + Letters(), "+1555" + Random.Shared.Next(1000000, 9999999),
                $"patient.{tag}@example.org");
        }

        private static string Letters() => string.Concat(Enumerable.Range(0, 5).Select(_ => (char)('a' + Random.Shared.Next(26))));

        /// <summary>The phone in both its E.164 and national forms (a URL might carry either).</summary>
        public IEnumerable<string> Identifiers => [Mrn, Mrn[3..], GivenName, FamilyName, Phone, Phone[2..], Email];
    }
}
