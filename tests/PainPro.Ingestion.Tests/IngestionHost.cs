using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Contracts;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The Ingestion service as it runs: a real Kestrel host (SQLite and the in-memory bus by default, or
/// PostgreSQL), messages published on its bus, texts posted to its webhook signed like Twilio signs them.
/// </summary>
public sealed class IngestionHost : IAsyncDisposable
{
    private readonly IServerDatabase? server;
    private readonly string dataDirectory;

    private IngestionHost(PainProTestHost host, IServerDatabase? server, string dataDirectory)
    {
        Host = host;
        this.server = server;
        this.dataDirectory = dataDirectory;
        Client = host.CreateClient();
    }

    public PainProTestHost Host { get; }
    public HttpClient Client { get; }
    public IngestionDb Db => Host.Services.GetRequiredService<IngestionDb>();

    public static async Task<IngestionHost> StartAsync(string provider = TestDatabase.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "painpro-tests", Guid.NewGuid().ToString("N"));
        var configuration = PainProTestHost.Configuration.Embedded(dataDirectory);
        var server = await TestDatabase.CreateServerAsync(provider);
        if (server is not null)
        {
            configuration["PainPro:Database:Provider"] = server.Provider;
            configuration["PainPro:Database:ConnectionString"] = server.ConnectionString;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var host = await PainProTestHost.StartAsync("ingestion", configuration, b => b.AddIngestion(), a => a.MapIngestion(),
            applicationName: typeof(IngestionDb).Assembly.GetName().Name);
        return new IngestionHost(host, server, dataDirectory);
    }

    public Task PublishAsync<T>(T message) where T : class => Host.Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>Publishes an enrollment and a survey and waits until the survey is open here.</summary>
    public async Task OpenSurveyAsync(EnrollmentCreated enrollment, SurveyDue survey)
    {
        await PublishAsync(enrollment);
        await PublishAsync(survey);
        await Eventually.TrueAsync(async () =>
            await CountAsync("surveys WHERE id = @SurveyId", new { survey.SurveyId }) == 1 &&
            await CountAsync("enrollments WHERE id = @EnrollmentId", new { enrollment.EnrollmentId }) == 1,
            $"survey {survey.SurveyId} to open");
    }

    public Task<HttpResponseMessage> TextAsync(string from, string body, string? messageSid = null) =>
        TwilioWebhook.PostSmsAsync(Client, Host.BaseUrl, PainProTestHost.Configuration.TwilioAuthToken,
            TwilioWebhook.InboundSms(from, body, messageSid));

    public Task<long> CountAsync(string fromWhere, object? param = null) =>
        Db.ReadAsync(c => c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {fromWhere}", param));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }
}
