using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Ingestion;
using PainPro.Scheduling;

namespace PainPro.Portal.Tests;

/// <summary>
/// The page benchmark's large health system: 50,000 enrollments over two years in six facilities and 24 surgeons, their
/// surveys and answers, and 10,000 unresolved alerts (plus as many resolved), written straight into Scheduling's and
/// Ingestion's SQLite files — the public paths would take hours to make this much history. Every survey's window is
/// closed and every high alert already escalated, so no due work wakes up on the seeded rows while pages are timed.
/// </summary>
public static class ScaleCohort
{
    public const int Enrollments = 50_000;
    public const int UnresolvedAlerts = 10_000;
    public const int ResolvedAlerts = 10_000;

    private static readonly string[] Procedures =
        ["cementoplasty", "vertebroplasty", "kyphoplasty", "separation-surgery", "stabilisation", "fixation", "distraction-osteogenesis", "resection-reconstruction"];
    private static readonly string[] Facilities = ["Scale Central", "Scale North", "Scale South", "Scale East", "Scale West", "Scale Children's"];
    private static readonly (string Timepoint, int Days, int Closes)[] Timepoints = [("day3", 3, 5), ("month1", 30, 37), ("month3", 90, 104)];
    private static readonly string[] Rules = ["no-relief", "severe-pain,no-relief", "pain-progression,severe-pain", "rebound", "no-response", "analgesic-escalation", "function-decline"];

    /// <summary>Fixed-width UTC text, as the services store instants in SQLite.</summary>
    private static string At(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);

    public static async Task SeedAsync(PortalSystem system, DateTimeOffset now)
    {
        var random = new Random(19);
        var ingestion = system.Host.Services.GetRequiredService<IngestionDb>();
        var scheduling = system.Host.Services.GetRequiredService<SchedulingDb>();
        await using var ing = await ingestion.OpenAsync();
        await using var sch = await scheduling.OpenAsync();
        await using var ingTx = await ing.BeginTransactionAsync();
        await using var schTx = await sch.BeginTransactionAsync();

        var patient = Insert(sch, schTx, "patients", "id, mrn, given_name, family_name, phone, preferred_channel, locale, time_zone, created_at, updated_at");
        var schEnrollment = Insert(sch, schTx, "enrollments",
            "id, external_id, request_hash, patient_id, procedure_type, body_site, performed_at, facility, surgeon, baseline_vas, time_zone, send_window_start, send_window_end, created_at, updated_at");
        var schSurvey = Insert(sch, schTx, "surveys",
            "id, enrollment_id, timepoint, instruments, channel, due_at, send_at, closes_at, reminder_minutes, status, attempts, first_sent_at, last_sent_at, completed_at, expired_at, link_token_protected");
        var ingEnrollment = Insert(ing, ingTx, "enrollments",
            "id, patient_id, procedure_type, body_site, facility, surgeon, performed_at, mrn_last4, baseline_vas, baseline_recorded_at, baseline_source, created_at");
        var ingSurvey = Insert(ing, ingTx, "surveys",
            "id, enrollment_id, patient_id, timepoint, instruments, items, channel, locale, expires_at, attempt, status, opened_at, refreshed_at, last_activity_at, completed_at, expired_at, vas, analgesic_change, consensus_class");
        var response = Insert(ing, ingTx, "responses", "id, survey_id, item, enrollment_id, value, source, answered_at");
        var alert = Insert(ing, ingTx, "alerts",
            "id, enrollment_id, patient_id, survey_id, timepoint, rules, severity, summary, consensus_class, status, raised_at, updated_at, high_since, escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, outcome");

        var unresolved = 0;
        var resolved = 0;
        for (var i = 0; i < Enrollments; i++)
        {
            var (patientId, enrollmentId) = (Guid.NewGuid(), Guid.NewGuid());
            var performed = now.AddDays(-random.Next(5, 730)).AddMinutes(-random.Next(0, 1440));
            var procedure = Procedures[random.Next(Procedures.Length)];
            var facility = Facilities[random.Next(Facilities.Length)];
            var surgeon = $"Dr. Scale {random.Next(24):00}";
            int? baseline = random.Next(10) == 0 ? null : random.Next(4, 11);
            var mrn = $"S{i:0000000}";
            await patient.RunAsync(patientId, mrn, "Scale", $"Patient{i}", $"+1666{i:0000000}", "sms", "en", "America/New_York", At(performed), At(performed));
            await schEnrollment.RunAsync(enrollmentId, $"SCALE-{i}", "x", patientId, procedure, "femur", At(performed), facility, surgeon, baseline,
                "America/New_York", 540, 1140, At(performed), At(performed));
            await ingEnrollment.RunAsync(enrollmentId, patientId, procedure, "femur", facility, surgeon, At(performed), mrn[^4..], baseline,
                baseline is null ? null : At(performed.AddHours(-2)), baseline is null ? null : "clinic", At(performed));

            Guid? lastSurvey = null;
            string lastTimepoint = "day3";
            int? lastVas = null;
            foreach (var (timepoint, days, closes) in Timepoints)
            {
                var due = performed.AddDays(days);
                var closed = performed.AddDays(closes);
                if (closed > now) break;
                var surveyId = Guid.NewGuid();
                var answered = random.Next(100) < 72;
                var reminded = random.Next(100) < 40;
                int? vas = answered ? Math.Clamp((baseline ?? 7) - random.Next(-2, 6), 0, 10) : null;
                var completedAt = answered ? due.AddHours(random.Next(1, 60)) : (DateTimeOffset?)null;
                await schSurvey.RunAsync(surveyId, enrollmentId, timepoint, "vas,analgesic", "sms", At(due), At(due), At(closed), "1440",
                    answered ? "completed" : "expired", reminded ? 2 : 1, At(due), At(reminded ? due.AddDays(1) : due),
                    completedAt is { } c ? At(c) : null, answered ? null : At(closed), Guid.NewGuid().ToString("N"));
                await ingSurvey.RunAsync(surveyId, enrollmentId, patientId, timepoint, "vas,analgesic", "vas,analgesic", "sms", "en", At(closed),
                    reminded ? 1 : 0, answered ? "completed" : "expired", At(due), At(due), At(completedAt ?? due), completedAt is { } d ? At(d) : null,
                    answered ? null : At(closed), vas, answered ? "same" : null,
                    vas is { } v && baseline is { } b ? (b - v >= 2 ? "partial" : v - b >= 2 ? "progression" : "indeterminate") : null);
                if (vas is { } value) await response.RunAsync(Guid.NewGuid(), surveyId, "vas", enrollmentId, value, "sms", At(completedAt!.Value));
                (lastSurvey, lastTimepoint, lastVas) = (surveyId, timepoint, vas);
            }
            if (lastSurvey is null) continue;

            // One unresolved alert per enrollment at most (the services' own rule); resolved ones on other enrollments.
            var open = unresolved < UnresolvedAlerts && i % 5 == 0;
            var closedAlert = !open && resolved < ResolvedAlerts && i % 5 == 1;
            if (!open && !closedAlert) continue;
            var severity = lastVas is >= 8 ? "high" : random.Next(3) switch { 0 => "high", 1 => "medium", _ => "low" };
            var raised = now.AddMinutes(-random.Next(10, 60 * 24 * 120));
            var acknowledged = closedAlert || random.Next(10) < 3;
            var acknowledgedAt = acknowledged ? raised.AddMinutes(random.Next(5, 60 * 30)) : (DateTimeOffset?)null;
            if (acknowledgedAt > now) acknowledgedAt = now;
            await alert.RunAsync(Guid.NewGuid(), enrollmentId, patientId, lastSurvey, lastTimepoint, Rules[random.Next(Rules.Length)], severity,
                $"{lastTimepoint} pain {lastVas?.ToString(CultureInfo.InvariantCulture) ?? "not answered"}", null,
                closedAlert ? "resolved" : acknowledged ? "acknowledged" : "open", At(raised), At(acknowledgedAt ?? raised),
                severity == "high" ? At(raised) : null, severity == "high" ? At(raised.AddHours(4)) : null,
                acknowledgedAt is { } ack ? At(ack) : null, acknowledged ? "scale.nurse" : null,
                closedAlert ? At(acknowledgedAt!.Value) : null, closedAlert ? "scale.nurse" : null, closedAlert ? "advice-given" : null);
            if (open) unresolved++; else resolved++;
        }
        await schTx.CommitAsync();
        await ingTx.CommitAsync();
    }

    private static Inserter Insert(DbConnection connection, DbTransaction transaction, string table, string columns)
    {
        var names = columns.Split(',', StringSplitOptions.TrimEntries);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names.Select((_, i) => "$p" + i))})";
        for (var i = 0; i < names.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$p" + i;
            command.Parameters.Add(parameter);
        }
        command.Prepare();
        return new Inserter(command);
    }

    /// <summary>One prepared INSERT, run once per row: SQLite takes a few hundred thousand a second this way.</summary>
    private sealed class Inserter(DbCommand command)
    {
        public Task RunAsync(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
                command.Parameters[i].Value = values[i] switch
                {
                    null => DBNull.Value,
                    Guid g => g.ToString("D"),
                    var v => v,
                };
            return command.ExecuteNonQueryAsync();
        }
    }
}
