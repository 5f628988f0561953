using System.Globalization;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling.Schedule;

/// <summary>How planned surveys are stored, and the small encodings of their list columns.</summary>
public static class SurveyRows
{
    /// <summary>Stores planned surveys (of one or many enrollments) in one statement; a scheduled one is due at its send time.</summary>
    public static Task InsertAsync(DbSession session, IReadOnlyList<(Guid EnrollmentId, string Channel, PlannedSurvey Survey)> rows, SurveyLinkTokens tokens)
    {
        var (values, parameters) = SqlDialect.Values(rows,
            _ => Guid.CreateVersion7(), r => r.EnrollmentId, r => r.Survey.Timepoint, r => JoinInstruments(r.Survey.Instruments),
            r => r.Channel, r => r.Survey.DueAt, r => r.Survey.SendAt, r => r.Survey.ClosesAt,
            r => JoinReminders(r.Survey.Reminders), r => r.Survey.Status,
            r => r.Survey.Status == SurveyStatuses.Scheduled ? r.Survey.SendAt : null, _ => tokens.NewProtected());
        return session.ExecuteAsync(
            $"""
            INSERT INTO surveys (id, enrollment_id, timepoint, instruments, channel, due_at, send_at, closes_at,
                                 reminder_minutes, status, next_send_at, link_token_protected)
            VALUES {values}
            """, parameters);
    }

    public static string JoinInstruments(IEnumerable<string> codes) => string.Join(',', codes);

    public static string[] SplitInstruments(string column) => column.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string JoinReminders(IEnumerable<TimeSpan> reminders) =>
        string.Join(',', reminders.Select(r => ((long)Math.Round(r.TotalMinutes)).ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<TimeSpan> SplitReminders(string column) =>
        column.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(m => TimeSpan.FromMinutes(long.Parse(m, CultureInfo.InvariantCulture)))
            .ToList();
}
