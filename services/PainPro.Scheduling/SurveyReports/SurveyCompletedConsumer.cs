using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Scheduling.Schedule;
using PainPro.ServiceDefaults.Data;
using PainPro.ServiceDefaults.Messaging;

namespace PainPro.Scheduling.SurveyReports;

/// <summary>An answered survey gets no more reminders.</summary>
public sealed class SurveyCompletedConsumer(SchedulingDb db, ILogger<SurveyCompletedConsumer> logger)
    : BatchInboxConsumer<SurveyCompleted>(db, logger)
{
    protected override async Task HandleAsync(SurveyCompleted message, DbSession session, CancellationToken ct)
    {
        var updated = await session.ExecuteAsync(
            $"""
            UPDATE surveys SET status = @completed, completed_at = @CompletedAt, next_send_at = NULL
            WHERE id = @SurveyId AND status IN {SqlDialect.Literals(SurveyStatuses.Open)}
            """,
            new { completed = SurveyStatuses.Completed, message.CompletedAt, message.SurveyId });
        if (updated == 0)
            logger.LogInformation("Survey {SurveyId} completed but was no longer open here (unknown, expired or cancelled); nothing to stop",
                message.SurveyId);
    }
}
