using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using PainPro.Contracts;
using PainPro.Messaging.Gateways;
using PainPro.Messaging.Suppression;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Messaging.Surveys;

/// <summary>A <see cref="SurveyDue"/> as the bus delivered it, and the span it was published under (a batch mixes traces).</summary>
public sealed record DueSurvey(SurveyDue Due, ActivityContext? PublishedUnder = null);

public sealed partial class SurveyDispatcher
{
    /// <summary>
    /// The first sends of a batch of attempts (see the class summary): one read for the attempts recorded already, one
    /// claim transaction per group of sends whose turns came together (one in all without a rate limit), and their
    /// outcomes recorded together. Throws after recording every outcome that came back when a provider call threw, so
    /// the bus retries the batch — the recorded attempts are then skipped.
    /// </summary>
    public async Task DispatchAllAsync(IReadOnlyList<DueSurvey> batch, CancellationToken ct)
    {
        var attempts = batch.DistinctBy(d => (d.Due.SurveyId, d.Due.Attempt)).Select(d => new BatchAttempt(d.Due, Plan(d.Due), d.PublishedUnder)).ToList();
        var recorded = await db.ReadAsync(connection => Deliveries.RecordedAsync(connection, db.Dialect, attempts.Select(a => a.Due.SurveyId)), ct);
        var run = new BatchRun(this);
        var waiting = new Queue<BatchAttempt>();
        var now = db.Clock.GetUtcNow();
        foreach (var attempt in attempts)
        {
            if (recorded.Contains((attempt.Due.SurveyId, attempt.Due.Attempt)))
            {
                logger.LogDebug("Survey {SurveyId} attempt {Attempt} is recorded already; not sending again", attempt.Due.SurveyId, attempt.Due.Attempt);
                continue;
            }
            attempt.Verdict = FailureNow(attempt.Due, attempt.Plan, now) is { } failure ? new Verdict(failure)
                : await HoldBeforeTurnAsync(attempt.Due, attempt.Plan, ct) is { } hold ? new Verdict(Hold: hold)
                : null;
            if (attempt.Verdict is null) waiting.Enqueue(attempt);
            else run.Decided.Add(attempt);
        }

        try
        {
            while (waiting.TryDequeue(out var next))
            {
                if (next.Verdict is not null) continue; // found opted out by an earlier claim, and recorded there
                if (next.Plan.Channel == Channels.Sms)
                {
                    var turn = smsGateway.TakeTurnAsync(ct);
                    // Before waiting for a turn, what has had its turn is claimed (and sent), so no claim waits for one.
                    if (!turn.IsCompleted && run.HasWork) await run.StepAsync(waiting, ct);
                    next.Turn = await turn;
                    if (next.Verdict is not null) continue; // found opted out meanwhile: the turn goes unused
                }
                run.Ready.Add(next);
            }
            if (run.Decided.Count > 0 || run.Ready.Count > 0) await run.StepAsync(waiting, ct);
        }
        finally
        {
            await run.FinishAsync();
        }
    }

    /// <summary>One transaction: the outcomes that came back, then the claims (<see cref="ClaimAllAsync"/>).</summary>
    private Task<List<(BatchAttempt Attempt, Claim Claim)>> RecordAndClaimAsync(IReadOnlyList<SendResult> outcomes, List<BatchAttempt> decided,
        IReadOnlyList<BatchAttempt> ready, IReadOnlyList<BatchAttempt> ahead, CancellationToken ct) =>
        db.InTransactionAsync(async session =>
        {
            await RecordOutcomesAsync(session, outcomes);
            return await ClaimAllAsync(session, decided, ready, ahead);
        }, ct);

    /// <summary>Keeps the sweeper off a claim of this process until its outcome is recorded, however long its lease.</summary>
    private IDisposable Track(Claim claim) => inFlight.Track(claim.ClaimId);

    /// <summary>
    /// In one transaction: records <paramref name="decided"/> (failed or held before their turn), and claims
    /// <paramref name="ready"/> (their turn taken) after the checks of the claim, recording those that fail or must wait
    /// after all. Opt-outs are looked up once, for <paramref name="ready"/> and <paramref name="ahead"/> (still to take
    /// their turn: one found opted out is recorded now and takes none). Returns the claims to send under.
    /// </summary>
    private async Task<List<(BatchAttempt Attempt, Claim Claim)>> ClaimAllAsync(DbSession session, List<BatchAttempt> decided,
        IReadOnlyList<BatchAttempt> ready, IReadOnlyList<BatchAttempt> ahead)
    {
        var phones = ready.Concat(ahead).Where(a => a is { Verdict: null, Plan.Channel: Channels.Sms }).Select(a => a.Plan.Recipient).ToHashSet();
        var optedOut = await SmsConsent.OptedOutAmongAsync(session, phones);
        foreach (var attempt in ahead)
        {
            if (attempt is not { Verdict: null, Plan.Channel: Channels.Sms } || !optedOut.Contains(attempt.Plan.Recipient)) continue;
            attempt.Verdict = new Verdict(DeliveryFailureReasons.OptedOut);
            decided.Add(attempt);
        }

        var rows = new List<(BatchAttempt Attempt, NewDelivery Row)>(decided.Count + ready.Count);
        foreach (var attempt in decided) rows.Add((attempt, Row(attempt, null)));
        var leaseStartedAt = leaseClock.GetUtcNow();
        foreach (var attempt in ready)
        {
            attempt.Verdict = await JudgeAtClaimAsync(session, attempt.Due, attempt.Plan,
                attempt.Plan.Channel == Channels.Sms && optedOut.Contains(attempt.Plan.Recipient));
            rows.Add((attempt, Row(attempt, leaseStartedAt)));
        }

        var inserted = await Deliveries.InsertAllAsync(session, rows.Select(r => r.Row).ToList());
        var claims = new List<(BatchAttempt Attempt, Claim Claim)>();
        var published = new List<object>();
        var now = session.Clock.GetUtcNow();
        foreach (var (attempt, row) in rows)
        {
            if (!inserted.Contains(row.Id))
                logger.LogDebug("Survey {SurveyId} attempt {Attempt} is recorded already; not sending again", attempt.Due.SurveyId, attempt.Due.Attempt);
            else if (attempt.Verdict!.Failure is { } failure) published.Add(Failed(attempt.Due, attempt.Plan, failure));
            else if (attempt.Verdict.Hold is { } hold) published.Add(Deferred(session, attempt.Due, attempt.Plan, hold));
            else claims.Add((attempt, new Claim(row.Id, row.ClaimId!.Value, now)));
        }
        if (published.Count > 0) await session.PublishAllAsync(published);
        return claims;
    }

    /// <summary>The row an attempt's verdict writes: failed, deferred, or claimed (when it goes) under a new claim.</summary>
    private NewDelivery Row(BatchAttempt attempt, DateTimeOffset? leaseStartedAt)
    {
        var (due, plan, verdict) = (attempt.Due, attempt.Plan, attempt.Verdict!);
        var status = verdict.Failure is not null ? DeliveryStatuses.Failed
            : verdict.Hold is not null ? DeliveryStatuses.Deferred
            : DeliveryStatuses.Claimed;
        var claimId = status == DeliveryStatuses.Claimed ? Guid.CreateVersion7() : (Guid?)null;
        return new NewDelivery(Guid.CreateVersion7(), due, plan.Channel, plan.Recipient, plan.Locale, status, claimId, leaseStartedAt,
            verdict.Failure, verdict.Failure is null ? Serialize(due) : null, verdict.Hold);
    }

    /// <summary>One attempt of a batch: what it sends, the turn it took, and — once known — what becomes of it.</summary>
    private sealed class BatchAttempt(SurveyDue due, SendPlan plan, ActivityContext? publishedUnder)
    {
        public SurveyDue Due { get; } = due;
        public SendPlan Plan { get; } = plan;
        public ActivityContext? PublishedUnder { get; } = publishedUnder;
        public SmsTurn Turn { get; set; }
        public Verdict? Verdict { get; set; }
    }

    /// <summary>A claimed send under way: its provider call, and its claim kept out of the sweeper's reach until its outcome is recorded.</summary>
    private sealed record Sending(BatchAttempt Attempt, Claim Claim, IDisposable Tracking, Task<SendOutcome> Outcome)
    {
        public SendResult Result => new(Attempt.Due, Attempt.Plan, Claim, Outcome.Result);
    }

    /// <summary>A batch's attempts between their read and their outcomes: what is yet to be claimed, and the sends under way.</summary>
    private sealed class BatchRun(SurveyDispatcher dispatcher)
    {
        private readonly List<Sending> sending = [];
        private readonly List<Exception> faults = [];
        private bool lookedAhead;

        /// <summary>Attempts that fail or wait, not recorded yet.</summary>
        public List<BatchAttempt> Decided { get; } = [];

        /// <summary>Attempts whose turn has come (or that need none), not claimed yet.</summary>
        public List<BatchAttempt> Ready { get; } = [];

        public bool HasWork => Decided.Count > 0 || Ready.Count > 0 || sending.Any(s => s.Outcome.IsCompleted);

        /// <summary>
        /// One transaction: the outcomes that came back so far, then the claims of what is ready (the first one also
        /// looks up the opt-outs of every attempt still <paramref name="waiting"/>); then the claimed sends start.
        /// </summary>
        public async Task StepAsync(IEnumerable<BatchAttempt> waiting, CancellationToken ct)
        {
            var finished = sending.Where(s => s.Outcome.IsCompleted).ToList();
            var ahead = lookedAhead ? [] : waiting.ToList();
            var claims = await dispatcher.RecordAndClaimAsync(
                finished.Where(s => s.Outcome.IsCompletedSuccessfully).Select(s => s.Result).ToList(), Decided, Ready, ahead, ct);
            lookedAhead = true;
            Decided.Clear();
            Ready.Clear();
            Forget(finished);
            foreach (var (attempt, claim) in claims)
            {
                var tracking = dispatcher.Track(claim);
                sending.Add(new Sending(attempt, claim, tracking,
                    dispatcher.SendOneAsync(attempt.Due, attempt.Plan, attempt.Turn, attempt.PublishedUnder, ct)));
            }
        }

        /// <summary>
        /// Waits for every provider call, records the outcomes not recorded yet (even while shutting down), and rethrows
        /// the first provider call that threw: its claim is left to the sweeper, which takes it up once its lease lapses.
        /// </summary>
        public async Task FinishAsync()
        {
            try
            {
                try { await Task.WhenAll(sending.Select(s => s.Outcome)); }
                catch (Exception) { } // each call's fault is read from its own task below
                var results = sending.Where(s => s.Outcome.IsCompletedSuccessfully).Select(s => s.Result).ToList();
                if (results.Count > 0) await dispatcher.RecordOutcomesAsync(results);
            }
            finally
            {
                Forget([.. sending]);
            }
            if (faults.Count > 0) ExceptionDispatchInfo.Capture(faults[0]).Throw();
        }

        private void Forget(IReadOnlyList<Sending> done)
        {
            foreach (var send in done)
            {
                send.Tracking.Dispose();
                sending.Remove(send);
                if (send.Outcome.Exception?.InnerException is { } fault) faults.Add(fault);
            }
        }
    }
}
