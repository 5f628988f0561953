using MassTransit;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Telemetry;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Texts or emails patients their surveys, a batch of <see cref="SurveyDue"/> at a time. Not an <c>InboxConsumer</c>:
/// the attempts must be committed before the provider calls and the outcomes after them, so the dispatcher runs short
/// transactions around the calls; the delivery row (one per survey and attempt) de-duplicates.
/// </summary>
public sealed class SurveySendConsumer(SurveyDispatcher dispatcher) : IConsumer<Batch<SurveyDue>>
{
    /// <summary>The header MassTransit carries the publishing span in (W3C traceparent form).</summary>
    private const string ActivityIdHeader = "MT-Activity-Id";

    public Task Consume(ConsumeContext<Batch<SurveyDue>> context) =>
        dispatcher.DispatchAllAsync(
            context.Message.Select(m => new DueSurvey(m.Message, PainProActivity.Parse(m.Headers.Get<string>(ActivityIdHeader)))).ToList(),
            context.CancellationToken);
}
