using System.Collections.Concurrent;
using PainPro.Messaging.Gateways;

namespace PainPro.Messaging.Tests.Support;

/// <summary>An SMS gateway that records every call and answers what the test scripts (accepted by default).</summary>
public sealed class FakeSmsGateway : ISmsGateway
{
    private readonly ConcurrentQueue<Func<SmsMessage, Task<SendOutcome>>> script = new();

    public ConcurrentQueue<SmsMessage> Sent { get; } = new();
    /// <summary>How every call answers once the script is used up.</summary>
    public Func<SmsMessage, Task<SendOutcome>> Default { get; set; } = _ => Task.FromResult(Accepted());

    /// <summary>How long a rate-limit turn takes to come (at once by default).</summary>
    public Func<CancellationToken, Task> Turn { get; set; } = _ => Task.CompletedTask;

    /// <summary>What the provider says it already took (null: nothing).</summary>
    public Func<SmsMessage, DateTimeOffset, SendOutcome.Accepted?> Taken { get; set; } = (_, _) => null;

    public Task<SendOutcome.Accepted?> FindTakenAsync(SmsMessage message, DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult(Taken(message, since));

    /// <summary>Turns asked for so far.</summary>
    public int TurnsTaken => turnsTaken;
    private int turnsTaken;

    public void Then(SendOutcome outcome) => script.Enqueue(_ => Task.FromResult(outcome));

    public void Then(Func<SmsMessage, Task<SendOutcome>> answer) => script.Enqueue(answer);

    public async Task<SmsTurn> TakeTurnAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref turnsTaken);
        await Turn(ct);
        return new SmsTurn(turnsTaken);
    }

    public async Task<SendOutcome> SendAsync(SmsMessage message, SmsTurn turn, CancellationToken ct)
    {
        Sent.Enqueue(message);
        var answer = script.TryDequeue(out var scripted) ? scripted : Default;
        return await answer(message);
    }

    public static SendOutcome Accepted() => new SendOutcome.Accepted("SM" + Guid.NewGuid().ToString("N"), "queued");
}

public sealed class FakeEmailGateway : IEmailGateway
{
    public ConcurrentQueue<EmailMessage> Sent { get; } = new();
    public Func<EmailMessage, SendOutcome> Answer { get; set; } = _ => new SendOutcome.Accepted($"<{Guid.NewGuid():N}@test>", "sent");

    public Task<SendOutcome> SendAsync(EmailMessage message, CancellationToken ct)
    {
        Sent.Enqueue(message);
        return Task.FromResult(Answer(message));
    }
}
