using System.Security.Cryptography;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PainPro.Benchmarks.Cluster;
using PainPro.Benchmarks.Harness;
using PainPro.Contracts;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;
using PainPro.Testing.Twilio;

namespace PainPro.Benchmarks.Sections;

/// <param name="Flow">"survey sent" (Messaging and Ingestion taking one SurveyDue) or "reply" (one answered text).</param>
/// <param name="StatementsPerItem">SQL statements each item cost, every consumer, webhook and relay together.</param>
/// <param name="Statements">The statements by kind, with their database time per item.</param>
public sealed record FlowProfile(string Flow, int Items, double StatementsPerItem, double MsPerItem, IReadOnlyList<SqlCost> Statements);

/// <summary>
/// Section 5a, the why behind dispatch and replies: Messaging and Ingestion in this process (PostgreSQL, the in-memory
/// bus, the Twilio double), so Npgsql's activity source shows every statement a survey send and a reply cost. Items go
/// one at a time, so the time per statement is the database's, not a queue's.
/// </summary>
public static class ProfileBenchmark
{
    public static async Task<IReadOnlyList<FlowProfile>> RunAsync(int items, TextWriter log, CancellationToken ct)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "painpro-benchmarks-" + Guid.NewGuid().ToString("N")[..12]);
        try { return await ProfileAsync(items, dataDirectory, log, ct); }
        finally
        {
            try { if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true); }
            catch (IOException) { /* a leftover temporary directory is harmless */ }
        }
    }

    private static async Task<IReadOnlyList<FlowProfile>> ProfileAsync(int items, string dataDirectory, TextWriter log, CancellationToken ct)
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        await using var twilio = await TwilioDouble.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["PainPro:Database:Provider"] = "postgres",
            ["PainPro:Database:ConnectionString"] = postgres.ConnectionString,
            ["PainPro:Bus:Transport"] = "inmemory",
            ["PainPro:Twilio:AuthToken"] = twilio.AuthToken,
            ["PainPro:Twilio:AccountSid"] = twilio.AccountSid,
            ["PainPro:Auth:ApiKeys:0:Name"] = "benchmarks",
            ["PainPro:Auth:ApiKeys:0:Sha256"] = PainProAuth.Sha256Hex(PainProCluster.ApiKey),
            ["PainPro:DataDirectory"] = dataDirectory,
            ["PainPro:Messaging:Sms:Provider"] = "twilio",
            ["PainPro:Messaging:Twilio:BaseUrl"] = twilio.BaseUrl,
            ["PainPro:Messaging:Twilio:MessagingServiceSid"] = "MG" + new string('0', 32),
            ["PainPro:Messaging:Twilio:RatePerSecond"] = "0",
            ["PainPro:Messaging:Email:Provider"] = "dev",
            // The SurveyDue below carries no send window: without one Messaging holds texts outside 09:00–19:00 local.
            ["PainPro:Messaging:Delivery:SendWindowStart"] = "00:00",
            ["PainPro:Messaging:Delivery:SendWindowEnd"] = "24:00",
        };
        settings.WithDataProtection();
        await using var host = await PainProTestHost.StartAsync("profile", settings,
            b => { b.AddMessaging(); b.AddIngestion(); },
            a => { a.MapMessaging(); a.MapIngestion(); });
        var bus = host.Services.GetRequiredService<IBus>();
        await using var database = new NpgsqlConnection(postgres.ConnectionString);
        await database.OpenAsync(ct);

        var patients = Enumerable.Range(0, items)
            .Select(i => (Enrollment: Guid.CreateVersion7(), Patient: Guid.CreateVersion7(), Survey: Guid.CreateVersion7(), Phone: $"+1558{i:D7}"))
            .ToList();
        foreach (var p in patients)
            await bus.Publish(new EnrollmentCreated(p.Enrollment, p.Patient, "cementoplasty", "femur", DateTimeOffset.UtcNow.AddDays(-3),
                "Main", null, 6, DateTimeOffset.UtcNow.AddDays(-3), "0001"), ct);
        await WaitAsync(database, "SELECT count(*) FROM ingestion.enrollments", items, ct);

        var results = new List<FlowProfile>();
        var profile = SqlProfile.Start();
        foreach (var p in patients)
        {
            var sent = twilio.AcceptedMessages.Count;
            await bus.Publish(new SurveyDue(p.Survey, p.Enrollment, p.Patient, Timepoints.Day3, [InstrumentCodes.Vas, InstrumentCodes.Analgesic],
                Channels.Sms, new Contact("Ana", p.Phone, null), "en", "America/New_York",
                // The whole day is the send window: the profile must not wait for 09:00 in New York.
                Base64UrlToken(), DateTimeOffset.UtcNow.AddDays(2), 0, 0, 24 * 60), ct);
            while (twilio.AcceptedMessages.Count == sent) await Task.Delay(2, ct);
        }
        await WaitAsync(database, "SELECT count(*) FROM ingestion.surveys WHERE status = 'open'", items, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // the relays' last batches
        results.Add(Summarize("survey sent", items, profile.Stop(items)));

        using var http = new HttpClient();
        profile = SqlProfile.Start();
        foreach (var p in patients)
        {
            using var response = await TwilioWebhook.PostSmsAsync(http, host.BaseUrl, twilio.AuthToken, TwilioWebhook.InboundSms(p.Phone, ReplyBenchmark.PainReply));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Ingestion answered a reply with {(int)response.StatusCode}.");
        }
        await WaitAsync(database, "SELECT count(*) FROM ingestion.alerts", items, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // PainAlertRaised through the outbox to Messaging's consumer
        results.Add(Summarize("reply", items, profile.Stop(items)));

        foreach (var flow in results)
            log.WriteLine($"  per {flow.Flow}: {flow.StatementsPerItem:F1} statements, {flow.MsPerItem:F1} ms of database time: {SqlProfile.Describe(flow.Statements, top: 8)}");
        return results;
    }

    private static FlowProfile Summarize(string flow, int items, IReadOnlyList<SqlCost> statements) =>
        new(flow, items, statements.Sum(s => s.Count) / (double)items, statements.Sum(s => s.MsPerUnit), statements);

    private static string Base64UrlToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task WaitAsync(NpgsqlConnection database, string sql, long expected, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60 + expected / 20.0);
        while (true)
        {
            await using var command = new NpgsqlCommand(sql, database);
            var count = Convert.ToInt64(await command.ExecuteScalarAsync(ct));
            if (count >= expected) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out on '{sql}': {count} of {expected}.");
            await Task.Delay(50, ct);
        }
    }
}
