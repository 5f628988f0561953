using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using PainPro.Scheduling;
using PainPro.ServiceDefaults.Telemetry;
using PainPro.Testing;
using Xunit;

namespace PainPro.IntegrationTests.Telemetry;

/// <summary>
/// Npgsql's span per command is opt-in (<c>PainPro:Telemetry:DatabaseSpans</c>): most of a survey's trace volume, and
/// no step of a causal chain. On, the commands join the trace of the request that ran them, and still name no patient.
/// </summary>
public sealed class DatabaseSpanTests
{
    [Theory, InlineData(true), InlineData(false)]
    public async Task Database_command_spans_join_the_request_trace_only_when_DatabaseSpans_is_on(bool databaseSpans)
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var rabbit = await RabbitMqVirtualHost.CreateAsync();
        var spans = new SpanRecorder();
        var config = new Dictionary<string, string?>(PainProTestHost.Configuration.Production(database.Provider, database.ConnectionString, rabbit.Uri))
        {
            ["PainPro:Telemetry:Enabled"] = "true",
            ["PainPro:Telemetry:DatabaseSpans"] = databaseSpans ? "true" : "false",
        };
        await using var host = await PainProTestHost.StartAsync("scheduling", config, b =>
        {
            b.AddScheduling();
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(spans)));
        }, a => a.MapScheduling());
        using var scheduling = host.CreateClient();
        var patient = TracingTests.Patient.New();

        await TracingTests.RegisterDueNowAsync(scheduling, patient);

        // The server span ends just after the answer leaves; the request's commands ended before it, each exported as it ended.
        static bool IsIntake(RecordedSpan s) => s.Kind == ActivityKind.Server && s.Name.StartsWith("POST /api/procedures", StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(spans.Spans.Any(IsIntake)), "the intake's server span");
        var intake = spans.Spans.First(IsIntake);
        var commands = spans.Spans.Where(s => s.Source == PainProActivity.NpgsqlSource).ToList();
        if (!databaseSpans)
        {
            Assert.Empty(commands);
            return;
        }
        var inIntake = commands.Where(s => s.TraceId == intake.TraceId).ToList();
        Assert.NotEmpty(inIntake);
        Assert.All(inIntake, s => Assert.Equal(ActivityKind.Client, s.Kind));
        // Pollers' commands start no causal chain: never a root span of their own.
        Assert.DoesNotContain(commands, s => s.ParentSpanId is null);
        foreach (var span in commands)
        foreach (var text in span.Texts)
        foreach (var identifier in patient.Identifiers)
            Assert.False(text.Contains(identifier, StringComparison.OrdinalIgnoreCase), $"span {span} carries '{identifier}' in '{text}'");
    }
}
