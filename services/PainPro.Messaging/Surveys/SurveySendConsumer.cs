using MassTransit;
using PainPro.Contracts;

namespace PainPro.Messaging.Surveys;

/// <summary>
/// Texts or emails the patient their survey. Not an <c>InboxConsumer</c>: the attempt must be committed before the
/// provider call and the outcome after it, so the dispatcher runs two short transactions around the call; the delivery
/// row (one per survey and attempt) de-duplicates.
/// </summary>
public sealed class SurveySendConsumer(SurveyDispatcher dispatcher) : IConsumer<SurveyDue>
{
    public Task Consume(ConsumeContext<SurveyDue> context) => dispatcher.DispatchAsync(context.Message, context.CancellationToken);
}
