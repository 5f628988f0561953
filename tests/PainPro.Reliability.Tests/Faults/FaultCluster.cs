using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Ingestion;
using PainPro.Reliability.Tests.Support;
using PainPro.Scheduling;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Reliability.Tests.Faults;

/// <summary>
/// PainPro as deployed, for fault injection: Scheduling and Ingestion as hosts in this process, Messaging as a real
/// operating-system process (so it can be killed with SIGKILL), all on one fresh PostgreSQL database and one fresh
/// RabbitMQ virtual host, texting through the Twilio double. Ingestion's origin is the public URL Twilio signs.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    public const string CareTeamEmail = "care-team@example.org";
    private const string Sender = "+15550009999";

    private readonly List<IAsyncDisposable> owned = [];

    private FaultCluster(PostgresDatabase postgres, RabbitMqVirtualHost rabbit, TwilioDouble twilio)
    {
        Postgres = postgres;
        Rabbit = rabbit;
        Twilio = twilio;
    }

    public PostgresDatabase Postgres { get; }
    public RabbitMqVirtualHost Rabbit { get; }
    public TwilioDouble Twilio { get; }
    public PainProTestHost Scheduling { get; private set; } = null!;
    public PainProTestHost Ingestion { get; private set; } = null!;
    public ServiceProcess Messaging { get; private set; } = null!;
    public string PublicBaseUrl => Ingestion.BaseUrl;
    public string Db => Postgres.ConnectionString;

    /// <summary>How many webhook posts had to be repeated because the service answered 5xx or was unreachable.</summary>
    public int WebhookRetries => webhookRetries;
    private int webhookRetries;

    /// <summary>Why webhook posts had to be repeated: a status code, or <c>unreachable</c>.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> WebhookFailures { get; } = new();

    /// <param name="messaging">Settings for the Messaging process on top of the fault runs' own.</param>
    /// <param name="simulatedClock">Every service on a dev clock (<see cref="AdvanceClockAsync"/>), as one: business time is real time plus one offset.</param>
    /// <param name="ingestionSettings">Configuration for the Ingestion host on top of the cluster's.</param>
    public static async Task<FaultCluster> StartAsync(IReadOnlyDictionary<string, string?>? messaging = null, bool simulatedClock = false,
        IReadOnlyDictionary<string, string?>? ingestionSettings = null)
    {
        var postgres = await PostgresDatabase.CreateAsync();
        var rabbit = await RabbitMqVirtualHost.CreateAsync();
        var twilio = await TwilioDouble.StartAsync(authToken: PainProTestHost.Configuration.TwilioAuthToken);
        var cluster = new FaultCluster(postgres, rabbit, twilio);
        try
        {
            var ingestionPort = TestInfrastructure.FreePort();
            var publicBaseUrl = $"http://127.0.0.1:{ingestionPort}";
            Dictionary<string, string?> Config() => new(PainProTestHost.Configuration.Production(postgres.ConnectionString, rabbit.Uri, simulatedClock))
            {
                ["PainPro:PublicBaseUrl"] = publicBaseUrl,
            };

            var messagingConfig = new Dictionary<string, string?>(Config())
            {
                ["PainPro:Messaging:Sms:Provider"] = "twilio",
                ["PainPro:Messaging:Twilio:BaseUrl"] = twilio.BaseUrl,
                ["PainPro:Messaging:Twilio:AccountSid"] = twilio.AccountSid,
                ["PainPro:Messaging:Twilio:From"] = Sender,
                ["PainPro:Messaging:Twilio:RatePerSecond"] = Sizes.FaultSendRatePerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PainPro:Messaging:Twilio:Burst"] = "5",
                // Deferred sends back off up to 5 s and a refused sender is probed every 3 s (production: 1 minute and 30 s).
                ["PainPro:Messaging:Delivery:MaxRetryDelay"] = "00:00:05",
                ["PainPro:Messaging:Delivery:ProbeInterval"] = "00:00:03",
                // A send cut off by a crash is declared interrupted after this long (production: 10 minutes).
                ["PainPro:Messaging:Delivery:ClaimLease"] = "00:00:08",
                ["PainPro:Messaging:CareTeam:Emails:0"] = CareTeamEmail,
            };
            foreach (var (key, value) in messaging ?? new Dictionary<string, string?>()) messagingConfig[key] = value;
            cluster.Messaging = await ServiceProcess.StartAsync("Messaging", messagingConfig);
            cluster.owned.Add(cluster.Messaging);
            cluster.Scheduling = await PainProTestHost.StartAsync("scheduling", Config(), b => b.AddScheduling(), a => a.MapScheduling());
            cluster.owned.Add(cluster.Scheduling);
            var ingestionConfig = Config();
            foreach (var (key, value) in ingestionSettings ?? new Dictionary<string, string?>()) ingestionConfig[key] = value;
            cluster.Ingestion = await PainProTestHost.StartAsync("ingestion", ingestionConfig, b => b.AddIngestion(), a => a.MapIngestion(), port: ingestionPort);
            cluster.owned.Add(cluster.Ingestion);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Registers patients whose day-3 survey (VAS + analgesics, clinic baseline 6) is due now, by CSV import.</summary>
    public Task<IReadOnlyList<Patient>> EnrollAsync(int count, bool withEmail = false) =>
        EnrollAsync(count, withEmail, chunk => Procedures.Csv(chunk));

    /// <summary>Registers patients by CSV import, the rows written by <paramref name="csv"/> (header included) for up to 500 at a time.</summary>
    public async Task<IReadOnlyList<Patient>> EnrollAsync(int count, bool withEmail, Func<IEnumerable<Patient>, string> csv)
    {
        var patients = Enumerable.Range(0, count)
            .Select(_ => Patient.Next())
            .Select(p => withEmail ? p with { Email = $"{p.Mrn.ToLowerInvariant()}@example.org" } : p)
            .ToList();
        using var api = Scheduling.CreateClient();
        api.Timeout = TimeSpan.FromMinutes(3);
        foreach (var chunk in patients.Chunk(500))
        {
            var response = await api.PostAsync("/api/procedures/import", new StringContent(csv(chunk), Encoding.UTF8, "text/csv"));
            var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.StatusCode == HttpStatusCode.OK && report["created"]!.GetValue<int>() == chunk.Length,
                $"importing {chunk.Length} procedures answered {(int)response.StatusCode}: {Http.Shorten(report.ToJsonString())}");
        }
        return patients;
    }

    /// <summary>Texts accepted by the double, per phone of the cohort.</summary>
    public Dictionary<string, int> AcceptedTexts(IEnumerable<Patient> cohort)
    {
        var phones = cohort.Select(p => p.Phone).ToHashSet();
        return Twilio.AcceptedMessages.Where(m => m.To is not null && phones.Contains(m.To))
            .GroupBy(m => m.To!).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Phones of the cohort whose day-3 survey Ingestion has open (it can take their replies).</summary>
    public async Task<HashSet<string>> OpenAtIngestionAsync(IEnumerable<Patient> cohort) =>
        [.. await Sql.QueryAsync<string>(Db, "SELECT phone FROM ingestion.surveys WHERE status = 'open' AND phone = ANY(@phones)",
            new { phones = cohort.Select(p => p.Phone).ToArray() })];

    /// <summary>Waits for <paramref name="count"/> patients who got their text and whose survey Ingestion has open: ready to reply.</summary>
    public async Task<List<Patient>> WaitForRepliersAsync(IReadOnlyList<Patient> cohort, int count, TimeSpan? within = null)
    {
        List<Patient> Ready(HashSet<string> open)
        {
            var texted = AcceptedTexts(cohort);
            return [.. cohort.Where(p => open.Contains(p.Phone) && texted.ContainsKey(p.Phone)).Take(count)];
        }
        var open = await Eventually.GetAsync(() => OpenAtIngestionAsync(cohort), o => Ready(o).Count >= count,
            $"{count} patients texted with their survey open", within ?? TimeSpan.FromSeconds(120));
        return Ready(open);
    }

    /// <summary>
    /// A patient's reply through the signed webhook, delivered like Twilio with retries: a 5xx or an unreachable
    /// service gets the same request (same MessageSid, same signature) again until it answers. Returns the TwiML.
    /// </summary>
    public async Task<string> ReplyAsync(HttpClient client, Patient patient, string body, TimeSpan? within = null)
    {
        var form = TwilioWebhook.InboundSms(patient.Phone, body);
        var url = PublicBaseUrl + TwilioWebhook.SmsPath;
        var signature = TwilioDouble.Sign(PainPro.Testing.PainProTestHost.Configuration.TwilioAuthToken, url, form);
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
                request.Headers.Add(TwilioDouble.SignatureHeader, signature);
                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode) return text;
                if ((int)response.StatusCode < 500) throw new InvalidOperationException($"The webhook refused a genuine reply with {(int)response.StatusCode}: {text}");
                WebhookFailures.AddOrUpdate(((int)response.StatusCode).ToString(), 1, (_, n) => n + 1);
            }
            catch (HttpRequestException) { WebhookFailures.AddOrUpdate("unreachable", 1, (_, n) => n + 1); }
            catch (TaskCanceledException) { WebhookFailures.AddOrUpdate("timed out", 1, (_, n) => n + 1); }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The webhook did not take a reply within {within}.");
            Interlocked.Increment(ref webhookRetries);
            await Task.Delay(500);
        }
    }

    /// <summary>Replies 9 (baseline 6: a pain-progression alert) and then 2 (analgesics the same), completing day 3.</summary>
    public Task ReplyToSurveyAsync(HttpClient client, Patient patient) =>
        ReplyAsync(client, patient, "9").ContinueWith(_ => ReplyAsync(client, patient, "2")).Unwrap();

    public static async Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> action) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, _) => await action(item));

    public HttpClient WebhookClient() => new() { Timeout = TimeSpan.FromSeconds(30) };

    public static Task RabbitMqAsync(string command) =>
        TestInfrastructure.RunAsync("bash", $"{TestInfrastructure.RabbitMqControl} {command}", TimeSpan.FromMinutes(2));

    public static Task PostgresAsync(string command) =>
        TestInfrastructure.RunAsync("bash", $"{TestInfrastructure.PostgresControl} {command}", TimeSpan.FromMinutes(2));

    /// <summary>
    /// Waits until the cohort's account is settled (everything sent, stored, raised and notified); on a timeout, says
    /// what was missing and what the services were saying.
    /// </summary>
    public async Task<CohortAccount> SettleAsync(IReadOnlyList<Patient> cohort, IReadOnlyCollection<Patient> replied, TimeSpan within)
    {
        try
        {
            await Eventually.GetAsync(() => CohortAccount.TakeAsync(this, cohort, replied), a => a.Settled,
                "every survey sent, every reply stored, every alert raised and notified", within);
        }
        catch (TimeoutException ex)
        {
            // The Messaging process's whole output, for what its last lines do not say.
            var output = Path.Combine(Reporting.Ledger.Directory, $"messaging-output-{DateTime.UtcNow:HHmmss}.log");
            System.IO.Directory.CreateDirectory(Reporting.Ledger.Directory);
            await File.WriteAllLinesAsync(output, Messaging.Output);
            throw new TimeoutException($"{ex.Message}\n{await DiagnoseAsync()}\nMessaging's whole output: {output}", ex);
        }
        // Time for a late duplicate to show itself, and for any re-send after a failure to go out.
        var settled = await CohortAccount.TakeAsync(this, cohort, replied);
        await Task.Delay(settled.AnyGivenUp ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(3));
        return await CohortAccount.TakeAsync(this, cohort, replied);
    }

    /// <summary>Unpublished outbox rows per service, queue depths, and the last warnings and errors of every service.</summary>
    public async Task<string> DiagnoseAsync()
    {
        var report = new StringBuilder();
        foreach (var schema in new[] { "scheduling", "messaging", "ingestion" })
            report.AppendLine($"{schema}: {await Sql.ScalarAsync<long>(Db, $"SELECT COUNT(*) FROM {schema}.outbox WHERE sent_at IS NULL")} unpublished outbox rows");
        try { report.AppendLine("queues: " + string.Join(", ", (await Queues.ListAsync(this)).Where(q => q.Messages > 0).Select(q => $"{q.Name}={q.Messages}"))); }
        catch (Exception ex) { report.AppendLine($"queues: {ex.Message}"); }
        var warnings = Scheduling.Logs.Lines.Concat(Ingestion.Logs.Lines)
            .Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.ToString()).TakeLast(10);
        report.AppendLine("in-process warnings:").AppendJoin('\n', warnings).AppendLine();
        string health;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            health = ((int)(await client.GetAsync(Messaging.BaseUrl + "/health/ready")).StatusCode).ToString();
        }
        catch (Exception ex) { health = ex.GetType().Name; }
        static string Short(string line) => line.Length <= 300 ? line : line[..300] + "…";
        report.AppendLine($"messaging process ({(Messaging.IsRunning ? "running" : "exited")}, /health/ready {health}, {Messaging.Output.Count} lines), last warnings and errors:")
            .AppendJoin('\n', Messaging.Output.Where(line => !line.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal)).TakeLast(8).Select(Short))
            .AppendLine().AppendLine("messaging process, last lines:")
            .AppendJoin('\n', Messaging.Output.TakeLast(8).Select(Short));
        return report.ToString();
    }

    /// <summary>
    /// No log line at Information or above — of the hosts in this process, or of the Messaging process — names a
    /// patient of the cohort: phone, email, given or family name, MRN.
    /// </summary>
    public void AssertNoPatientDetailsLogged(IEnumerable<Patient> cohort)
    {
        // Phones also without their "+": a URL would carry it encoded (%2B).
        var identifiers = cohort.SelectMany(p => new[] { p.Phone, p.Phone.TrimStart('+'), p.Email, p.GivenName, p.FamilyName, p.Mrn })
            .OfType<string>().ToHashSet();
        var lines = Scheduling.Logs.Lines.Concat(Ingestion.Logs.Lines)
            .Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(l => l.ToString())
            .Concat(Messaging.Output) // JSON console logs at the default minimum, Information
            .ToList();
        var leaks = lines.Where(line => identifiers.Any(id => line.Contains(id, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} log lines name a patient:\n{string.Join("\n", leaks.Take(5))}");
    }

    /// <summary>
    /// Outbox batches a relay gave up on because the broker never confirmed them (a confirm lost in the outage) and
    /// published again: each such line is one batch that would otherwise have stalled that relay for good.
    /// </summary>
    public int AbandonedRelayBatches() => CountLogLines("did not confirm");

    /// <summary>Times a service's bus watchdog found RabbitMQ reachable but messages not moving, and restarted the bus.</summary>
    public int BusRestarts() => CountLogLines("restarting the bus");

    private int CountLogLines(string containing) =>
        Scheduling.Logs.Lines.Concat(Ingestion.Logs.Lines).Select(l => l.ToString()).Concat(Messaging.Output)
            .Count(line => line.Contains(containing, StringComparison.Ordinal));

    /// <summary>
    /// Moves every service's dev clock forward by <paramref name="by"/> (each runs its due work at once) and returns
    /// Scheduling's new time. The offsets stay equal, so all three keep one business time.
    /// </summary>
    public async Task<DateTimeOffset> AdvanceClockAsync(TimeSpan by)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var body = new StringContent($$"""{"by":"{{System.Xml.XmlConvert.ToString(by)}}"}""", Encoding.UTF8, "application/json");
        DateTimeOffset now = default;
        foreach (var url in new[] { Scheduling.BaseUrl, Messaging.BaseUrl, Ingestion.BaseUrl })
        {
            var response = await client.PostAsync(url + "/dev/clock/advance", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{url}/dev/clock/advance answered {(int)response.StatusCode}: {text}");
            if (url == Scheduling.BaseUrl) now = JsonNode.Parse(text)!["now"]!.GetValue<DateTimeOffset>();
        }
        return now;
    }

    /// <summary>The business time of the cluster (Scheduling's clock).</summary>
    public DateTimeOffset Now => Scheduling.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>Messaging's <c>/health/ready</c>: the overall status and the reason the provider check gives, if degraded.</summary>
    public async Task<(string Status, string? Reason)> MessagingHealthAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var body = JsonNode.Parse(await client.GetStringAsync(Messaging.BaseUrl + "/health/ready"))!;
        return (body["status"]!.GetValue<string>(), body["checks"]?["provider-senders"]?["description"]?.GetValue<string>());
    }

    /// <summary>Lines the Messaging process logged at Error from <paramref name="category"/> (its JSON console logs).</summary>
    public IReadOnlyList<string> MessagingErrors(string category) =>
        [.. Messaging.Output.Where(line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)
                                           && line.Contains($"\"Category\":\"{category}\"", StringComparison.Ordinal))];

    /// <summary>Every host answers <c>/health/ready</c>: recovered without a restart.</summary>
    public async Task AssertAllReadyAsync(TimeSpan within)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var url in new[] { Scheduling.BaseUrl, Ingestion.BaseUrl, Messaging.BaseUrl })
            await Eventually.TrueAsync(async () => (await client.GetAsync(url + "/health/ready")).StatusCode == HttpStatusCode.OK,
                $"{url}/health/ready", within);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in Enumerable.Reverse(owned))
        {
            try { await resource.DisposeAsync(); }
            catch (Exception ex) { Console.Error.WriteLine($"Disposing {resource}: {ex.Message}"); }
        }
        await Twilio.DisposeAsync();
        await Rabbit.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
