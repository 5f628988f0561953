using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MassTransit;
using PainPro.Contracts;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Reliability.Tests.Support;
using PainPro.Testing.Twilio;
using PainPro.Testing;

namespace PainPro.Reliability.Tests.Load;

/// <summary>
/// Signed webhook replies at a fixed offered rate (1,000 per second) on loopback, against Ingestion as its own
/// process on PostgreSQL and RabbitMQ: every reply answered 200, every text stored once, every answer recorded with
/// the value sent, every survey completed once, every alert raised once. Each patient answers a month-1 survey
/// (VAS, analgesics and six MSTS items by text) one reply after another, as a phone would. The load is bounded in
/// time: what the service cannot take within the duration is not offered (the achieved rate is recorded). A short
/// warm-up at a fifth of the rate comes first, as a service in production is warm (its replies are accounted too).
/// </summary>
public class WebhookLoadTests
{
    private const int ItemsPerSurvey = 8;
    private const int MaxInFlight = 256;
    private const int BaselineVas = 6;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    private static readonly string[] Items =
        ["vas", "analgesic", "msts.pain", "msts.function", "msts.emotional", "msts.supports", "msts.walking", "msts.gait"];

    private sealed record Survey(Guid SurveyId, Guid EnrollmentId, string Phone, int[] Values);

    private sealed record Sent(int Status, double Milliseconds, string MessageSid, int Survey, int Item);

    [Fact]
    public async Task Signed_replies_at_1000_per_second_are_all_answered_stored_and_scored_exactly_once()
    {
        var rate = Sizes.LoadRatePerSecond;
        var total = (int)(rate * Sizes.LoadDuration.TotalSeconds);
        var warmUpRate = rate / 5;
        var warmUpTotal = (int)(warmUpRate * WarmUp.TotalSeconds);
        var surveyCount = (total + warmUpTotal) / ItemsPerSurvey;
        using var entry = Ledger.Open("load.webhook-replies", Ledger.Load,
            $"Signed webhook replies offered at {rate:N0}/s for {Sizes.LoadDuration.TotalSeconds:0} s on loopback");

        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Production(postgres.ConnectionString, rabbit.Uri))
        {
            ["PainPro:Ingestion:Sms:AskMstsByText"] = "true",
        };
        await using var ingestion = await ServiceProcess.StartAsync("Ingestion", config);
        // Stands in for Scheduling: publishes the enrolments and the month-1 surveys Ingestion opens.
        var publisher = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(rabbit.Uri)));
        await publisher.StartAsync();

        var surveys = Enumerable.Range(0, surveyCount).Select(_ =>
        {
            var p = Patient.Next();
            return new Survey(Guid.CreateVersion7(), Guid.CreateVersion7(), p.Phone,
                [Random.Shared.Next(0, 11), Random.Shared.Next(1, 4), .. Enumerable.Range(0, 6).Select(_ => Random.Shared.Next(0, 6))]);
        }).ToArray();
        try { await OpenSurveysAsync(publisher, surveys, postgres.ConnectionString); }
        finally { await publisher.StopAsync(); }

        var warmUpSurveys = warmUpTotal / ItemsPerSurvey;
        var warmedUp = await OfferLoadAsync(ingestion.BaseUrl, surveys, 0, warmUpSurveys, warmUpRate, warmUpTotal, WarmUp);
        var results = await OfferLoadAsync(ingestion.BaseUrl, surveys, warmUpSurveys, surveys.Length, rate, total, Sizes.LoadDuration);
        var elapsed = results.Elapsed;
        var allSent = warmedUp.Sent.Concat(results.Sent).ToList();
        var errors = allSent.Where(s => s.Status != 200).GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count());
        var latencies = results.Sent.Select(s => s.Milliseconds).Order().ToArray();
        entry.Count("warm-up replies (accounted, not timed)", warmedUp.Sent.Count)
            .Count("replies sent", results.Sent.Count)
            .Count("replies per second achieved", (long)Math.Round(results.Sent.Count / elapsed.TotalSeconds))
            .Count("ms p50 (not asserted)", (long)Math.Round(latencies[latencies.Length / 2]))
            .Count("ms p99 (not asserted)", (long)Math.Round(latencies[(int)(latencies.Length * 0.99)]))
            .Count("MB peak RSS of Ingestion (not asserted)", ingestion.PeakRssBytes() / 1_000_000);
        Assert.True(errors.Count == 0, $"replies answered other than 200: {string.Join(", ", errors.Select(e => $"{e.Value} × {e.Key}"))}; "
            + $"Ingestion's last warnings and errors:\n{string.Join('\n', ingestion.Output.Where(l => !l.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal)).TakeLast(10))}");
        entry.Count("errors", 0);

        // Zero losses, counted by id: every MessageSid stored once, every answer with the value sent, each survey
        // completed once (one SurveyCompleted in the outbox), one alert per enrollment whose pain was 8 or more.
        var db = postgres.ConnectionString;
        var sids = allSent.Select(s => s.MessageSid).ToArray();
        var stored = await Sql.ScalarAsync<long>(db, "SELECT COUNT(*) FROM ingestion.inbound_sms WHERE message_sid = ANY(@sids) AND reply IS NOT NULL", new { sids });
        var answers = (await Sql.QueryAsync<(Guid SurveyId, string Item, int Value)>(db,
                "SELECT survey_id, item, value FROM ingestion.responses WHERE survey_id = ANY(@ids)", new { ids = surveys.Select(s => s.SurveyId).ToArray() }))
            .ToLookup(a => a.SurveyId);
        var completed = (await Sql.QueryAsync<(string SurveyId, long Count)>(db, """
            SELECT body::jsonb->>'surveyId', COUNT(*) FROM ingestion.outbox WHERE message_type LIKE '%SurveyCompleted' GROUP BY 1
            """)).ToDictionary(r => Guid.Parse(r.SurveyId), r => r.Count);
        var alerts = (await Sql.QueryAsync<(Guid EnrollmentId, long Count)>(db,
                "SELECT enrollment_id, COUNT(*) FROM ingestion.alerts GROUP BY enrollment_id")).ToDictionary(r => r.EnrollmentId, r => r.Count);

        var sentItems = allSent.GroupBy(r => r.Survey).ToDictionary(g => g.Key, g => g.Count());
        var losses = new List<string>();
        if (stored != sids.Length) losses.Add($"{sids.Length - stored} texts not stored and answered");
        for (var i = 0; i < surveys.Length; i++)
        {
            var survey = surveys[i];
            var sent = sentItems.GetValueOrDefault(i);
            var got = answers[survey.SurveyId].ToDictionary(a => a.Item, a => a.Value);
            var expected = Items.Take(sent).Select((item, k) => (item, value: survey.Values[k])).ToDictionary(x => x.item, x => x.value);
            if (got.Count != expected.Count || expected.Any(e => got.GetValueOrDefault(e.Key, -1) != e.Value))
                losses.Add($"survey {survey.SurveyId}: stored [{string.Join(",", got.Select(a => $"{a.Key}={a.Value}"))}], sent [{string.Join(",", expected.Select(a => $"{a.Key}={a.Value}"))}]");
            var completions = completed.GetValueOrDefault(survey.SurveyId);
            if (completions != (sent == ItemsPerSurvey ? 1 : 0))
                losses.Add($"survey {survey.SurveyId} with {sent} of {ItemsPerSurvey} answers completed {completions} times");
            var alertCount = alerts.GetValueOrDefault(survey.EnrollmentId);
            if (alertCount > 1 || (sent > 0 && survey.Values[0] >= 8 && alertCount != 1))
                losses.Add($"enrollment {survey.EnrollmentId} (pain {survey.Values[0]}) has {alertCount} alerts");
        }
        Assert.True(losses.Count == 0, $"{losses.Count} losses or duplicates:\n{string.Join("\n", losses.Take(20))}");

        entry.Count("texts stored once", stored)
            .Count("answers stored once", answers.Sum(a => a.Count()))
            .Count("surveys completed once", completed.Count(c => c.Value == 1 && surveys.Any(x => x.SurveyId == c.Key)))
            .Count("alerts raised once", alerts.Count(a => a.Value == 1))
            .Count("losses", 0);
        if (results.Sent.Count / elapsed.TotalSeconds < rate * 0.95)
            entry.Finding($"offered {rate:N0}/s, achieved {results.Sent.Count / elapsed.TotalSeconds:N0}/s: the service took no more (at most {MaxInFlight} replies in flight; each phone waits for its previous answer)");
        entry.Pass();
    }

    /// <summary>Publishes the enrolments and surveys and waits until Ingestion has opened every survey.</summary>
    private static async Task OpenSurveysAsync(IBus bus, IReadOnlyList<Survey> surveys, string db)
    {
        var performedAt = DateTimeOffset.UtcNow.AddDays(-30);
        foreach (var chunk in surveys.Chunk(200))
            await Task.WhenAll(chunk.SelectMany(s => new[]
            {
                bus.Publish(new EnrollmentCreated(s.EnrollmentId, Guid.CreateVersion7(), "cementoplasty", "femur", performedAt, "Main", null,
                    BaselineVas, performedAt.AddHours(-2), "0001")),
                bus.Publish(new SurveyDue(s.SurveyId, s.EnrollmentId, Guid.CreateVersion7(), Timepoints.Month1,
                    [InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower], Channels.Sms,
                    new Contact("Load", s.Phone, null), "en", "Europe/London", Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddDays(7), 0)),
            }));
        var ids = surveys.Select(s => s.SurveyId).ToArray();
        var enrollments = surveys.Select(s => s.EnrollmentId).ToArray();
        await Eventually.TrueAsync(async () =>
                await Sql.ScalarAsync<long>(db, "SELECT COUNT(*) FROM ingestion.surveys WHERE id = ANY(@ids)", new { ids }) == ids.Length
                && await Sql.ScalarAsync<long>(db, "SELECT COUNT(*) FROM ingestion.enrollments WHERE id = ANY(@enrollments)", new { enrollments }) == ids.Length,
            $"Ingestion to open {ids.Length} surveys", TimeSpan.FromSeconds(180));
    }

    private sealed record LoadResults(IReadOnlyCollection<Sent> Sent, TimeSpan Elapsed);

    /// <summary>
    /// Open-loop load: reply <c>i</c> is due at <c>i / rate</c> seconds; phone <c>i / 8</c> sends it, answering item
    /// <c>i % 8</c>, once its previous reply was answered (a patient reads the next question first). At most
    /// <see cref="MaxInFlight"/> phones are mid-survey at once; a phone due while all are busy waits for one to finish.
    /// Nothing is sent after <paramref name="duration"/>.
    /// </summary>
    private static async Task<LoadResults> OfferLoadAsync(string baseUrl, IReadOnlyList<Survey> surveys, int first, int end, int rate, int total, TimeSpan duration)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxInFlight, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        var url = baseUrl + TwilioWebhook.SmsPath;
        var results = new ConcurrentQueue<Sent>();
        var phonesBusy = new SemaphoreSlim(MaxInFlight);
        var clock = Stopwatch.StartNew();

        async Task<bool> SendAsync(int index, int item)
        {
            var survey = surveys[index];
            var form = TwilioWebhook.InboundSms(survey.Phone, survey.Values[item].ToString());
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add(TwilioDouble.SignatureHeader, TwilioDouble.Sign(PainProTestHost.Configuration.TwilioAuthToken, url, form));
            var started = clock.Elapsed;
            int status;
            try
            {
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsStringAsync();
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException) { status = 0; }
            catch (TaskCanceledException) { status = -1; }
            results.Enqueue(new Sent(status, (clock.Elapsed - started).TotalMilliseconds, form["MessageSid"], index, item));
            return status == 200;
        }

        async Task PatientAsync(int index)
        {
            var turn = index - first;
            await phonesBusy.WaitAsync();
            try
            {
                for (var item = 0; item < ItemsPerSurvey; item++)
                {
                    // The reply's turn in the offered schedule, and never after the end.
                    var due = TimeSpan.FromSeconds((turn * ItemsPerSurvey + item) / (double)rate);
                    if (due - clock.Elapsed is { Ticks: > 0 } wait) await Task.Delay(wait);
                    if (clock.Elapsed > duration || !await SendAsync(index, item)) return;
                }
            }
            finally
            {
                phonesBusy.Release();
            }
        }

        var patients = new List<Task>();
        for (var index = first; index < end && (index - first) * ItemsPerSurvey < total; index++)
        {
            var due = TimeSpan.FromSeconds((index - first) * ItemsPerSurvey / (double)rate);
            if (due > duration) break;
            if (due - clock.Elapsed is { Ticks: > 0 } wait) await Task.Delay(wait);
            patients.Add(PatientAsync(index));
        }
        await Task.WhenAll(patients);
        return new LoadResults(results, clock.Elapsed < duration ? clock.Elapsed : duration);
    }
}
