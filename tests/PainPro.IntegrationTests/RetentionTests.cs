using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PainPro.AllInOne;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Data;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests;

/// <summary>
/// Done-when of issue 15: a cohort lives through all its surveys — texts and emails, first sends and reminders, SMS
/// answers including a month-1 conversation that points to the web form — then the clock moves past the outbox and
/// inbox retention, and every table of every service database is searched for every link token the cohort was sent.
/// None may be there in plain text, and no outbox or inbox row older than its retention may remain. On PostgreSQL with
/// RabbitMQ, and on SQLite with the in-memory bus; the services run in one host so one simulated clock drives them all.
/// </summary>
public sealed class RetentionTests
{
    private static readonly TimeSpan OutboxRetention = TimeSpan.FromDays(3);
    private static readonly TimeSpan InboxRetention = TimeSpan.FromDays(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Providers => TestDatabase.Providers;

    [DatabaseTheory, MemberData(nameof(Providers))]
    public async Task After_a_cohort_and_the_retention_periods_no_table_holds_a_link_token_and_no_outbox_or_inbox_row_outlived_its_retention(string provider)
    {
        await using var system = await CohortSystem.StartAsync(provider);
        var patients = Enumerable.Range(0, 6).Select(i => new CohortPatient(i, Channel: i % 3 == 2 ? "email" : "sms", Answers: i % 2 == 0)).ToList();
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal); // token -> timepoint
        foreach (var patient in patients) await system.EnrollAsync(patient);
        // Day 3 is due at enrolment. The claim is a recurring job a second or two away, and "quiet" can come first:
        // moving the dev clock runs it now and waits for it, before the first two-day step closes day 3's window.
        await system.AdvanceAsync(TimeSpan.FromMinutes(1));
        await system.WaitQuietAsync();
        await CollectTokensAsync(system, tokens);
        foreach (var patient in patients.Where(p => p is { Answers: true, Channel: "sms" }))
        {
            await system.ReplyAsync(patient, "5"); // day 3: pain
            await system.ReplyAsync(patient, "2"); // analgesics: about the same
        }

        // Day by day (two at a time) through month 1 and month 3 with their reminders, until every window has closed.
        var repliedToMonth1 = false;
        for (var day = 2; day <= 112; day += 2)
        {
            await system.AdvanceAsync(TimeSpan.FromDays(2));
            await system.WaitQuietAsync();
            await CollectTokensAsync(system, tokens);
            if (!repliedToMonth1 && day >= 28)
            {
                // Month 1 asks pain and analgesics by text, then points to the web form for MSTS: a reply that holds a link.
                foreach (var patient in patients.Where(p => p is { Answers: true, Channel: "sms" }))
                {
                    await system.ReplyAsync(patient, "4");
                    Assert.Contains("/s/", await system.ReplyAsync(patient, "1"));
                }
                repliedToMonth1 = true;
                await system.WaitQuietAsync();
            }
        }
        Assert.True(repliedToMonth1);
        Assert.True(tokens.Count >= patients.Count * 3,
            $"only {tokens.Count} link tokens were sent to {patients.Count} patients: {string.Join(", ", tokens.Values.GroupBy(t => t).Select(g => $"{g.Key} {g.Count()}"))}");

        // Past both retention periods, with the purge given its turn.
        await system.AdvanceAsync(OutboxRetention + TimeSpan.FromDays(1));
        await system.AdvanceAsync(InboxRetention);
        await system.WaitQuietAsync();
        var now = system.Now;

        var stale = new List<string>();
        foreach (var db in system.Databases)
        {
            await using var connection = await db.OpenAsync();
            var sentBefore = now - OutboxRetention;
            var consumedBefore = now - InboxRetention;
            var outbox = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE created_at < @sentBefore", new { sentBefore });
            var inbox = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE consumed_at < @consumedBefore", new { consumedBefore });
            if (outbox > 0) stale.Add($"{db.Schema}: {outbox} outbox rows older than {OutboxRetention.TotalDays} days");
            if (inbox > 0) stale.Add($"{db.Schema}: {inbox} inbox rows older than {InboxRetention.TotalDays} days");
        }
        var found = await system.FindAsync(tokens.Keys.ToHashSet(StringComparer.Ordinal));
        // SQLite: not in free pages either (secure_delete), once the write-ahead log is checkpointed into the file.
        found.AddRange(await system.FindInSqliteFilesAsync(tokens.Keys.ToHashSet(StringComparer.Ordinal)));

        Assert.True(stale.Count == 0, string.Join("\n", stale));
        Assert.True(found.Count == 0,
            $"{found.Count} places hold one of the cohort's {tokens.Count} link tokens in plain text:\n{string.Join("\n", found.Distinct().Take(30))}");
    }

    /// <summary>Every link token in Scheduling's outbox so far (each SurveyDue carries its survey's token).</summary>
    private static async Task CollectTokensAsync(CohortSystem system, Dictionary<string, string> tokens)
    {
        await using var connection = await system.Databases.Single(d => d.Schema == "scheduling").OpenAsync();
        foreach (var body in await connection.QueryAsync<string>(
                     "SELECT body FROM outbox WHERE message_type = @type", new { type = typeof(SurveyDue).FullName }))
        {
            var due = JsonSerializer.Deserialize<SurveyDue>(body, Json)!;
            tokens[due.LinkToken] = due.Timepoint;
        }
    }

    private sealed record CohortPatient(int Index, string Channel, bool Answers)
    {
        public string Phone { get; } = "+1557" + Random.Shared.Next(1_000_000, 9_999_999);
        public string Email { get; } = $"cohort.{Guid.NewGuid():N}@example.org";
    }

    /// <summary>The four services in one host on the chosen database, one simulated clock, texts and emails to the dev outbox.</summary>
    private sealed class CohortSystem : IAsyncDisposable
    {
        private readonly PainProTestHost host;
        private readonly HttpClient api;
        private readonly List<IAsyncDisposable> owned;
        private readonly string? directory;

        private CohortSystem(PainProTestHost host, List<IAsyncDisposable> owned, string? directory)
        {
            this.host = host;
            this.owned = owned;
            this.directory = directory;
            api = host.CreateClient();
            api.Timeout = TimeSpan.FromMinutes(3);
        }

        public IReadOnlyList<ServiceDatabase> Databases => host.Services.GetServices<ServiceDatabase>().ToList();
        public DateTimeOffset Now => host.Services.GetRequiredService<TimeProvider>().GetUtcNow();

        public static async Task<CohortSystem> StartAsync(string provider)
        {
            var owned = new List<IAsyncDisposable>();
            string? directory = null;
            Dictionary<string, string?> config;
            if (await TestDatabase.CreateServerAsync(provider) is { } server)
            {
                var rabbit = await RabbitMqVirtualHost.CreateAsync();
                owned.AddRange([rabbit, server]);
                config = PainProTestHost.Configuration.Production(server.Provider, server.ConnectionString, rabbit.Uri, simulatedClock: true);
            }
            else
            {
                directory = Path.Combine(Path.GetTempPath(), "painpro-retention-" + Guid.NewGuid().ToString("N"));
                config = PainProTestHost.Configuration.Embedded(directory);
            }
            config["PainPro:Demo:Seed"] = "false";
            // Test patients live in UTC; the send window's own rules are pinned by the Scheduling tests.
            config["PainPro:Scheduling:SendWindowStart"] = "00:00";
            config["PainPro:Scheduling:SendWindowEnd"] = "24:00";
            var host = await PainProTestHost.StartAsync("retention-" + provider, config, b => b.AddAllServices(), a => a.MapAllServices(),
                applicationName: "PainPro.AllInOne");
            return new CohortSystem(host, owned, directory);
        }

        public async Task EnrollAsync(CohortPatient patient)
        {
            var performedAt = Now.AddDays(-3).AddHours(-1);
            var response = await api.PostAsJsonAsync("/api/procedures", new
            {
                externalId = $"RET-{Guid.NewGuid():N}",
                patient = new
                {
                    mrn = "R" + Random.Shared.Next(1_000_000, 9_999_999), givenName = "Ana", familyName = "Retention",
                    phone = patient.Phone, email = patient.Email, preferredChannel = patient.Channel, locale = "en", timeZone = "Etc/UTC",
                },
                procedure = new { type = "cementoplasty", bodySite = "femur", performedAt, facility = "Main" },
                baseline = new { vas = 7, recordedAt = performedAt.AddHours(-2) },
            });
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"enrolment answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        public async Task<string> ReplyAsync(CohortPatient patient, string body)
        {
            var response = await TwilioWebhook.PostSmsAsync(api, host.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
                TwilioWebhook.InboundSms(patient.Phone, body));
            var twiml = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"the webhook answered {(int)response.StatusCode}: {twiml}");
            return twiml;
        }

        public async Task AdvanceAsync(TimeSpan by)
        {
            var response = await api.PostAsJsonAsync("/dev/clock/advance", new { by = System.Xml.XmlConvert.ToString(by) });
            Assert.True(response.IsSuccessStatusCode, $"advancing the clock answered {(int)response.StatusCode}");
        }

        /// <summary>Until nothing moves: every outbox relayed, and the outbox, inbox and delivery counts still for a while.</summary>
        public async Task WaitQuietAsync()
        {
            var stableSince = DateTime.UtcNow;
            string? last = null;
            await Eventually.TrueAsync(async () =>
            {
                var state = new StringBuilder();
                foreach (var db in Databases)
                {
                    await using var connection = await db.OpenAsync();
                    state.Append(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")).Append('/')
                        .Append(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox")).Append('/')
                        .Append(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox")).Append(' ');
                }
                var now = state.ToString();
                if (now != last) { last = now; stableSince = DateTime.UtcNow; return false; }
                return !now.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !s.StartsWith("0/", StringComparison.Ordinal))
                    && DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(600);
            }, "the services to settle", TimeSpan.FromSeconds(60));
        }

        /// <summary>Every place (database, table, column) where one of <paramref name="tokens"/> appears as text.</summary>
        public async Task<List<string>> FindAsync(IReadOnlySet<string> tokens)
        {
            var found = new List<string>();
            foreach (var db in Databases)
            {
                await using var connection = await db.OpenAsync();
                var tables = db.Dialect == SqlDialect.Postgres
                    ? await connection.QueryAsync<string>(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
                    : await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
                foreach (var table in tables)
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT * FROM \"{table}\"";
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                        for (var column = 0; column < reader.FieldCount; column++)
                        {
                            var text = Text(reader, column);
                            if (text is null) continue;
                            foreach (var token in tokens.Where(t => text.Contains(t, StringComparison.Ordinal)))
                                found.Add($"{db.Schema}.{table}.{reader.GetName(column)} holds the token {token[..6]}…");
                        }
                }
            }
            return found;
        }

        /// <summary>SQLite only: the database files' raw bytes, free pages included, after a checkpoint of the log.</summary>
        public async Task<List<string>> FindInSqliteFilesAsync(IReadOnlySet<string> tokens)
        {
            var found = new List<string>();
            foreach (var db in Databases.Where(d => d.Dialect == SqlDialect.Sqlite))
            {
                await using var connection = await db.OpenAsync();
                await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
                var bytes = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(connection.DataSource));
                found.AddRange(tokens.Where(t => bytes.Contains(t, StringComparison.Ordinal))
                    .Select(t => $"{Path.GetFileName(connection.DataSource)} holds the token {t[..6]}… in its pages"));
            }
            return found;
        }

        private static string? Text(DbDataReader reader, int column) =>
            reader.IsDBNull(column) ? null : reader.GetValue(column) switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
            };

        public async ValueTask DisposeAsync()
        {
            api.Dispose();
            await host.DisposeAsync();
            foreach (var resource in owned) await resource.DisposeAsync();
            if (directory is null) return;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
