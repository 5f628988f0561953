using MassTransit;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Jobs;
using PainPro.Testing;

namespace PainPro.Scheduling.Tests.Support;

/// <summary>
/// Scheduling alone in a real host: SQLite file or fresh PostgreSQL database, in-memory bus, simulated clock and the
/// dev endpoints, so a test can move time with <c>POST /dev/clock/advance</c> and read the outbox.
/// </summary>
public sealed class SchedulingHost : IAsyncDisposable
{
    private readonly IServerDatabase? server;
    private readonly string? directory;

    private SchedulingHost(PainProTestHost host, IServerDatabase? server, string? directory)
    {
        Host = host;
        this.server = server;
        this.directory = directory;
        Client = host.CreateClient();
        // A 10,000-row import on a busy 2-core CI machine can outlast the default minute.
        Client.Timeout = TimeSpan.FromMinutes(5);
    }

    public PainProTestHost Host { get; }
    public HttpClient Client { get; }
    public SchedulingDb Db => Host.Services.GetRequiredService<SchedulingDb>();
    public DateTimeOffset Now => Host.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    public static async Task<SchedulingHost> StartAsync(string provider, IDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "painpro-scheduling-tests", Guid.NewGuid().ToString("N"));
        var configuration = PainProTestHost.Configuration.Embedded(directory, simulatedClock: true);
        var server = await TestDatabase.CreateServerAsync(provider);
        if (server is not null)
        {
            configuration["PainPro:Database:Provider"] = server.Provider;
            configuration["PainPro:Database:ConnectionString"] = server.ConnectionString;
        }
        // The tests move the clock themselves; periodic runs only add noise.
        configuration["PainPro:DueWorkInterval"] = "00:00:00";
        // These tests read the outbox and inbox as the record of what was published and consumed over simulated months;
        // the retention purge has its own tests.
        configuration["PainPro:Retention:Outbox"] = "3650.00:00:00";
        configuration["PainPro:Retention:Inbox"] = "3650.00:00:00";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;

        var host = await PainProTestHost.StartAsync("scheduling", configuration, b => b.AddScheduling(), a => a.MapScheduling(),
            applicationName: typeof(SchedulingDb).Assembly.GetName().Name);
        return new SchedulingHost(host, server, directory);
    }

    /// <summary>Registers a procedure and returns the new enrollment (fails the test unless it was created).</summary>
    public async Task<PainPro.Scheduling.Enrollments.EnrollmentView> RegisterAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/api/procedures", body);
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
            throw new Xunit.Sdk.XunitException($"POST /api/procedures answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<PainPro.Scheduling.Enrollments.EnrollmentView>(Json.Options))!;
    }

    public async Task<PainPro.Scheduling.Enrollments.EnrollmentView> GetEnrollmentAsync(Guid enrollmentId) =>
        (await Client.GetFromJsonAsync<PainPro.Scheduling.Enrollments.EnrollmentView>($"/api/enrollments/{enrollmentId}", Json.Options))!;

    /// <summary>Publishes on the host's bus, as another service would; Scheduling's consumers receive it.</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Host.Services.GetRequiredService<MassTransit.IBus>().Publish(message, context => { if (messageId is { } id) context.MessageId = id; });

    /// <summary>Waits until the named consumer has handled <paramref name="count"/> messages (its inbox rows): then "nothing changed" means something.</summary>
    public Task WaitForConsumedAsync(string consumer, int count = 1) =>
        Eventually.TrueAsync(() => Db.ReadAsync(c => c.ExecuteScalarAsync<bool>(
            "SELECT COUNT(*) >= @count FROM inbox WHERE consumer = @consumer", new { consumer, count })), $"{consumer} to consume {count} message(s)");

    /// <summary>
    /// Answers every <see cref="PainPro.Contracts.SurveyDue"/> published so far, and not answered yet, as Messaging does when the provider takes
    /// the text: a <see cref="PainPro.Contracts.SurveySent"/> at the current time. Waits until Scheduling has consumed them.
    /// </summary>
    public async Task ConfirmSentAsync()
    {
        var due = await OutboxAsync<PainPro.Contracts.SurveyDue>();
        var fresh = due.Where(d => confirmed.Add((d.SurveyId, d.Attempt))).ToList();
        foreach (var d in fresh) await PublishAsync(new PainPro.Contracts.SurveySent(d.SurveyId, d.Attempt, d.Channel, "SM" + Guid.NewGuid().ToString("N"), Now));
        await WaitForConsumedAsync("SurveySentConsumer", confirmed.Count);
    }

    private readonly HashSet<(Guid, int)> confirmed = [];

    /// <summary>Runs the due work now, without moving the clock.</summary>
    public Task RunDueWorkAsync() => Host.Services.GetRequiredService<DueJobs>().RunAllNowAsync(CancellationToken.None);

    /// <summary>Moves the simulated clock forward and runs the due work, as <c>POST /dev/clock/advance</c> does.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        var response = await Client.PostAsJsonAsync("/dev/clock/advance", new { by = System.Xml.XmlConvert.ToString(by) });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Moves the clock to just after <paramref name="instant"/> (no-op when it has passed).</summary>
    public async Task AdvanceToAsync(DateTimeOffset instant)
    {
        var by = instant - Now + TimeSpan.FromSeconds(1);
        if (by > TimeSpan.Zero) await AdvanceAsync(by);
        else await RunDueWorkAsync();
    }

    public async Task<IReadOnlyList<T>> OutboxAsync<T>()
    {
        await using var connection = await Db.OpenAsync();
        var bodies = await connection.QueryAsync<string>(
            "SELECT body FROM outbox WHERE message_type = @type ORDER BY id", new { type = typeof(T).FullName });
        return bodies.Select(b => JsonSerializer.Deserialize<T>(b, Json.Options)!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { if (directory is not null && Directory.Exists(directory)) Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
