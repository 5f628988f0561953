using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Ingestion.Enrollments;
using PainPro.Ingestion.Surveys;
using PainPro.Instruments;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Ingestion.Responses;

public static class ResponseSources
{
    public const string Sms = "sms";
    public const string Web = "web";
    public const string Staff = "staff";
}

public sealed record Answer(string Item, int Value);

/// <summary>An item whose current answer changed from <paramref name="From"/> to <paramref name="To"/>.</summary>
public sealed record AnswerRevision(string Item, int From, int To);

/// <summary>What recording answers left behind.</summary>
/// <param name="Answers">Every current answer of the survey, by item code.</param>
/// <param name="Changed">How many answers became current: new, or revising an earlier value.</param>
/// <param name="Completed">This call answered the last item and published <see cref="SurveyCompleted"/>.</param>
/// <param name="Revisions">The items whose current answer this call replaced, with both values.</param>
public sealed record RecordedAnswers(IReadOnlyDictionary<string, int> Answers, int Changed, bool Completed, IReadOnlyList<AnswerRevision> Revisions)
{
    public static RecordedAnswers Unchanged(IReadOnlyDictionary<string, int> answers) => new(answers, 0, false, []);
}

/// <summary>
/// The one path every answer takes, whatever the channel (text, form, staff): store it as a new version of its item,
/// keep the survey's scores on the current versions, run the alert rules (re-run them over the alert's evidence when
/// an answer was revised), and publish <see cref="SurveyCompleted"/> once when the last item is answered. Runs inside
/// the caller's transaction, after the caller locked the survey row, so answers to one survey are recorded one call
/// after another.
/// </summary>
/// <remarks>
/// Versions: an answer equal to the item's current one stores nothing (the same answer twice is not a revision);
/// a different one is inserted and the current one gets <c>superseded_at</c>. An answer given <em>before</em> the
/// current one (a text held until its survey opened, handled after a later form answer) is kept as an earlier,
/// already superseded version: the latest answer the patient gave stays the one scored.
/// </remarks>
public sealed class ResponseRecorder(AlertBook alerts)
{
    private const string InsertVersion = """
        INSERT INTO responses (id, survey_id, item, enrollment_id, value, source, answered_at, entered_by, superseded_at)
        VALUES (@Id, @SurveyId, @Item, @EnrollmentId, @Value, @Source, @AnsweredAt, @EnteredBy, @SupersededAt)
        """;

    private const string Supersede = """
        UPDATE responses SET superseded_at = @AnsweredAt
        WHERE survey_id = @SurveyId AND item = @Item AND superseded_at IS NULL
        """;

    private const string SelectCurrent = """
        SELECT item AS Item, value AS Value, answered_at AS AnsweredAt FROM responses
        WHERE survey_id = @surveyId AND superseded_at IS NULL
        """;

    /// <summary>
    /// Records <paramref name="answers"/> for <paramref name="survey"/>. The caller has checked each item belongs
    /// to the survey and each value is in range; this checks again and throws, because a bad answer here is a bug.
    /// </summary>
    /// <param name="answeredAt">When the patient gave the answers (a text's arrival); now when not given.</param>
    /// <param name="currentAnswers">
    /// The survey's current answers as the caller already read them in this transaction, after locking the survey; read
    /// here when not given. (A text's turn has them from the lock: the common answer then costs no extra read.)
    /// </param>
    /// <param name="history">
    /// The survey's enrollment as the caller read it in this transaction after locking the survey (its unresolved alert
    /// with it), before any answer of this call; read here when not given.
    /// </param>
    public async Task<RecordedAnswers> RecordAsync(DbSession session, SurveyRecord survey, IReadOnlyList<Answer> answers,
        string source, string? enteredBy, DateTimeOffset? answeredAt = null, IReadOnlyDictionary<string, int>? currentAnswers = null,
        EnrollmentHistory? history = null)
    {
        var items = survey.ItemDefinitions.ToDictionary(item => item.Code);
        foreach (var answer in answers)
        {
            if (!items.TryGetValue(answer.Item, out var item) || !item.Accepts(answer.Value))
                throw new ArgumentException($"{answer.Item}={answer.Value} does not answer survey {survey.Id}.", nameof(answers));
        }

        var now = session.Clock.GetUtcNow();
        var at = answeredAt is { } given && given < now ? given : now;
        var stored = currentAnswers is null
            ? (await session.QueryAsync<CurrentAnswer>(SelectCurrent, new { surveyId = survey.Id })).ToDictionary(a => a.Item)
            : null;
        var current = stored?.ToDictionary(a => a.Key, a => a.Value.Value) ?? new Dictionary<string, int>(currentAnswers!);
        var changed = 0;
        var revisions = new List<AnswerRevision>();
        foreach (var answer in answers)
        {
            var row = new
            {
                Id = Guid.CreateVersion7(), SurveyId = survey.Id, answer.Item, survey.EnrollmentId, answer.Value, Source = source,
                AnsweredAt = at, EnteredBy = enteredBy, SupersededAt = (DateTimeOffset?)null,
            };
            if (!current.TryGetValue(answer.Item, out var previous))
            {
                await session.Write(InsertVersion, row);
            }
            else if (previous == answer.Value)
            {
                continue;
            }
            else if (await AnsweredAtAsync(session, survey.Id, answer.Item, stored) is var previousAt && previousAt > at)
            {
                // Given before the current answer: on record as an earlier version, never current.
                await session.Write(InsertVersion, row with { SupersededAt = (DateTimeOffset?)previousAt });
                continue;
            }
            else
            {
                await session.Write(Supersede, row);
                await session.Write(InsertVersion, row);
                revisions.Add(new AnswerRevision(answer.Item, previous, answer.Value));
            }
            current[answer.Item] = answer.Value;
            if (stored is not null) stored[answer.Item] = new CurrentAnswer { Item = answer.Item, Value = answer.Value, AnsweredAt = at };
            changed++;
        }
        if (changed == 0) return RecordedAnswers.Unchanged(current);

        // A follow-up's consensus class needs the baseline and its alert rules the whole trajectory: one read serves both.
        var change = revisions.Count > 0 ? new AnswerChange(survey.Timepoint, revisions, source, enteredBy) : null;
        if (survey.IsFollowUp)
        {
            history ??= await EnrollmentHistory.LoadAsync(session, survey.EnrollmentId);
            var scores = await UpdateScoresAsync(session, survey, current, history.Baseline);
            history = history.With(new SurveyScores(survey.Id, survey.Timepoint, scores.Vas, scores.AnalgesicChange, scores.Msts?.Total));
            if (change is null)
                await alerts.EvaluateAsync(session, survey.EnrollmentId, survey.PatientId, survey.Id, survey.Timepoint, scores.ConsensusClass, history);
            else
                await alerts.ReviseAsync(session, survey, scores.ConsensusClass, history, change);
            return await CompleteAsync(session, survey, items.Keys, current, changed, revisions, scores);
        }

        var baselineScores = await UpdateScoresAsync(session, survey, current, baseline: null);
        if (baselineScores.BaselineMoved)
        {
            // The enrollment's baseline moved (a surveyed one, answered late or revised): every follow-up is measured
            // against it, so their consensus classes are derived again and, for a revision, the alert judged again.
            // Read again: the baseline just moved, and the follow-ups are measured against it.
            history = await EnrollmentHistory.LoadAsync(session, survey.EnrollmentId);
            await RescoreFollowUpsAsync(session, history);
            if (change is not null) await alerts.ReviseAsync(session, survey, baselineScores.ConsensusClass, history, change);
        }
        return await CompleteAsync(session, survey, items.Keys, current, changed, revisions, baselineScores);
    }

    /// <summary>Marks the survey completed and publishes <see cref="SurveyCompleted"/> the first time every item has an answer.</summary>
    private static async Task<RecordedAnswers> CompleteAsync(DbSession session, SurveyRecord survey, IEnumerable<string> items,
        Dictionary<string, int> current, int changed, List<AnswerRevision> revisions, Scores scores)
    {
        var now = session.Clock.GetUtcNow();
        var completed = false;
        if (items.All(current.ContainsKey))
        {
            completed = await session.ExecuteAsync(
                "UPDATE surveys SET status = 'completed', completed_at = @now WHERE id = @id AND completed_at IS NULL",
                new { id = survey.Id, now }) == 1;
            if (completed)
                await session.PublishAsync(new SurveyCompleted(survey.Id, survey.EnrollmentId, survey.Timepoint, now,
                    scores.Vas, scores.AnalgesicChange, scores.Msts?.Total, scores.Msts?.Percent));
        }
        return new RecordedAnswers(current, changed, completed, revisions);
    }

    /// <summary>When the item's current answer was given: from <paramref name="known"/> when read already, else read now.</summary>
    private static async Task<DateTimeOffset> AnsweredAtAsync(DbSession session, Guid surveyId, string item, Dictionary<string, CurrentAnswer>? known) =>
        known is not null && known.TryGetValue(item, out var answer)
            ? answer.AnsweredAt
            : await session.ExecuteScalarAsync<DateTimeOffset>(
                "SELECT answered_at FROM responses WHERE survey_id = @surveyId AND item = @item AND superseded_at IS NULL", new { surveyId, item });

    /// <summary>The survey's current answers, by item.</summary>
    public static async Task<Dictionary<string, int>> CurrentAnswersAsync(DbSession session, Guid surveyId) =>
        (await session.QueryAsync<CurrentAnswer>(SelectCurrent, new { surveyId })).ToDictionary(r => r.Item, r => r.Value);

    private sealed record CurrentAnswer
    {
        public string Item { get; init; } = "";
        public int Value { get; init; }
        public DateTimeOffset AnsweredAt { get; init; }
    }

    /// <param name="BaselineMoved">A baseline survey's VAS became the enrollment's baseline.</param>
    private sealed record Scores(int? Vas, string? AnalgesicChange, MstsScore? Msts, string? ConsensusClass, bool BaselineMoved = false);

    /// <summary>Every follow-up's consensus class against the enrollment's baseline as <paramref name="history"/> has it.</summary>
    private static async Task RescoreFollowUpsAsync(DbSession session, EnrollmentHistory history)
    {
        foreach (var followUp in history.Surveys.Where(s => s.Timepoint != Timepoints.Baseline && s.Vas is not null))
        {
            var consensus = history.Baseline is { } b ? Scoring.Consensus(b, followUp.Vas!.Value, followUp.AnalgesicChange)?.ToCode() : null;
            await session.Write("UPDATE surveys SET consensus_class = @consensus WHERE id = @SurveyId", new { consensus, followUp.SurveyId });
        }
    }

    /// <summary>Keeps the survey's scores beside its current answers, and a surveyed baseline on the enrollment.</summary>
    /// <param name="baseline">The enrollment's baseline, for a follow-up survey's consensus class.</param>
    private static async Task<Scores> UpdateScoresAsync(DbSession session, SurveyRecord survey, Dictionary<string, int> answers, int? baseline)
    {
        int? vas = answers.TryGetValue(ItemCodes.Vas, out var v) ? v : null;
        var analgesic = answers.TryGetValue(ItemCodes.Analgesic, out var a) ? Scoring.AnalgesicChange(a) : null;
        var msts = survey.MstsInstrument is { } instrument ? Scoring.Msts(answers, instrument) : null;

        string? consensus = null;
        var baselineMoved = false;
        if (survey.IsFollowUp && vas is { } vasValue)
        {
            if (baseline is { } b) consensus = Scoring.Consensus(b, vasValue, analgesic)?.ToCode();
        }
        else if (!survey.IsFollowUp && vas is not null)
        {
            // A surveyed baseline stands in for a clinic one, never over it.
            baselineMoved = await session.ExecuteAsync("""
                UPDATE enrollments SET baseline_vas = @vas, baseline_recorded_at = @now, baseline_source = @source
                WHERE id = @id AND (baseline_source IS NULL OR baseline_source = @source)
                """, new { vas, now = session.Clock.GetUtcNow(), source = BaselineSources.Survey, id = survey.EnrollmentId }) == 1;
        }

        await session.Write("""
            UPDATE surveys SET vas = @vas, analgesic_change = @analgesic, msts_total = @msts, consensus_class = @consensus
            WHERE id = @id
            """, new { vas, analgesic, msts = msts?.Total, consensus, id = survey.Id });
        return new Scores(vas, analgesic, msts, consensus, baselineMoved);
    }
}
