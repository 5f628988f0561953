using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using PainPro.Contracts;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Sms;
using PainPro.ServiceDefaults.Data;
using PainPro.Instruments;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>While the database cannot be reached, Ingestion answers 503 with Retry-After (Twilio then calls the fallback URL), not 500.</summary>
public sealed class DatabaseOutageTests
{
    public static TheoryData<string, Exception> Outages => new()
    {
        { "refused connection", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)) },
        { "server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300") },
        { "exhausted pool", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()) },
        { "busy SQLite file", new SqliteException("database is locked", 5) },
        { "wrapped", new InvalidOperationException("while reading", new NpgsqlException("stream", new IOException("reset"))) },
    };

    public static TheoryData<string, Exception> Bugs => new()
    {
        { "unique violation", new PostgresException("duplicate key value", "ERROR", "ERROR", "23505") },
        { "syntax error", new PostgresException("syntax error at or near", "ERROR", "ERROR", "42601") },
        { "SQLite constraint", new SqliteException("UNIQUE constraint failed", 19) },
        { "plain bug", new InvalidOperationException("Inbound text vanished.") },
    };

    [Theory, MemberData(nameof(Outages))]
    public void An_unreachable_or_overloaded_database_is_an_outage(string why, Exception exception) =>
        Assert.True(DatabaseOutage.IsOutage(exception), why);

    [Theory, MemberData(nameof(Bugs))]
    public void A_failing_statement_is_not_an_outage(string why, Exception exception) =>
        Assert.False(DatabaseOutage.IsOutage(exception), why);

    [Fact]
    public async Task With_postgres_unreachable_the_sms_webhook_the_form_and_the_api_answer_503_and_the_repeated_text_is_handled_once_it_is_back()
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        await using var relay = TcpRelay.Start(direct.Host!, direct.Port);
        var viaRelay = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 5 };
        await using var host = await IngestionHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PainPro:Database:Provider"] = "postgres",
            ["PainPro:Database:ConnectionString"] = viaRelay.ConnectionString,
        });
        const string phone = "+15557770001";
        var enrollment = Fixtures.Enrollment(baselineVas: 6);
        var survey = Fixtures.SurveyDue(enrollment, Timepoints.Day3, Fixtures.VasAndAnalgesic, phone: phone);
        await host.OpenSurveyAsync(enrollment, survey);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(host.Host.BaseUrl) };
        var page = await browser.GetStringAsync($"/s/{survey.LinkToken}");
        var antiforgery = WebFormTests.AntiforgeryField().Match(page);

        relay.Cut();
        using var text = await host.TextAsync(phone, "7", "SM-during-outage");
        using var form = await browser.PostAsync($"/s/{survey.LinkToken}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["vas"] = "7", ["analgesic"] = "2", [antiforgery.Groups["name"].Value] = WebUtility.HtmlDecode(antiforgery.Groups["value"].Value),
        }));
        using var alerts = await host.Client.GetAsync("/api/alerts");

        foreach (var response in new[] { text, form, alerts })
        {
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"{response.RequestMessage!.RequestUri!.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var warnings = host.Host.Logs.Lines.Where(l => l.Level >= LogLevel.Warning).ToList();
        Assert.Contains(warnings, l => l.Category == "PainPro.ServiceDefaults.DatabaseOutageHandler" && l.Message.Contains("503"));
        Assert.DoesNotContain(warnings, l => l.ToString().Contains("5557770001"));

        // Back: Twilio's next try of the same text is answered (a pooled connection the cut broke may cost a 503 first).
        relay.Restore();
        string? reply = null;
        await Eventually.TrueAsync(async () =>
        {
            using var repeated = await host.TextAsync(phone, "7", "SM-during-outage");
            if (repeated.StatusCode == HttpStatusCode.OK) reply = await repeated.Content.ReadAsStringAsync();
            return reply is not null;
        }, "the text to be handled once the database is back");

        Assert.Equal(TwiML.Reply(Fixtures.Then(ItemCodes.Vas, 7, ItemCodes.Analgesic)), reply);
        Assert.Equal(1, await host.CountAsync("responses WHERE survey_id = @SurveyId AND item = 'vas' AND value = 7", new { survey.SurveyId }));
    }
}
