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

/// <summary>What recording answers left behind.</summary>
/// <param name="Answers">Every current answer of the survey, by item code.</param>
/// <param name="Changed">How many answers were new or replaced an earlier value.</param>
/// <param name="Completed">This call answered the last item and published <see cref="SurveyCompleted"/>.</param>
public sealed record RecordedAnswers(IReadOnlyDictionary<string, int> Answers, int Changed, bool Completed);

/// <summary>
/// The one path every answer takes, whatever the channel (text, form, staff): store or replace the answers
/// (replacements audited), keep the survey's scores current, run the alert rules, and publish
/// <see cref="SurveyCompleted"/> once when the last item is answered. Runs inside the caller's transaction.
/// </summary>
public sealed class ResponseRecorder(AlertBook alerts)
{
    private const string InsertResponse = """
        INSERT INTO responses (survey_id, item, enrollment_id, value, source, answered_at, entered_by)
        VALUES (@SurveyId, @Item, @EnrollmentId, @Value, @Source, @Now, @EnteredBy)
        """;

    private const string ReplaceResponse = """
        UPDATE responses SET value = @Value, source = @Source, answered_at = @Now, entered_by = @EnteredBy
        WHERE survey_id = @SurveyId AND item = @Item
        """;

    private const string AuditChange = """
        INSERT INTO response_changes (id, survey_id, item, old_value, new_value, source, changed_by, changed_at)
        VALUES (@Id, @SurveyId, @Item, @OldValue, @Value, @Source, @EnteredBy, @Now)
        """;

    /// <summary>
    /// Records <paramref name="answers"/> for <paramref name="survey"/>. The caller has checked each item belongs
    /// to the survey and each value is in range; this checks again and throws, because a bad answer here is a bug.
    /// </summary>
    /// <param name="currentAnswers">
    /// The survey's answers as the caller already read them in this transaction, after locking the survey; read here when not given.
    /// </param>
    public async Task<RecordedAnswers> RecordAsync(DbSession session, SurveyRecord survey, IReadOnlyList<Answer> answers,
        string source, string? enteredBy, IReadOnlyDictionary<string, int>? currentAnswers = null)
    {
        var items = survey.ItemDefinitions.ToDictionary(item => item.Code);
        foreach (var answer in answers)
        {
            if (!items.TryGetValue(answer.Item, out var item) || !item.Accepts(answer.Value))
                throw new ArgumentException($"{answer.Item}={answer.Value} does not answer survey {survey.Id}.", nameof(answers));
        }

        var now = session.Clock.GetUtcNow();
        var current = currentAnswers is null ? await CurrentAnswersAsync(session, survey.Id) : new Dictionary<string, int>(currentAnswers);
        var changed = 0;
        foreach (var answer in answers)
        {
            var row = new { SurveyId = survey.Id, answer.Item, survey.EnrollmentId, answer.Value, Source = source, Now = now, EnteredBy = enteredBy };
            if (!current.TryGetValue(answer.Item, out var old))
            {
                await session.ExecuteAsync(InsertResponse, row);
            }
            else if (old != answer.Value)
            {
                await session.ExecuteAsync(ReplaceResponse, row);
                await session.ExecuteAsync(AuditChange, new { Id = Guid.CreateVersion7(), row.SurveyId, row.Item, OldValue = old, row.Value, row.Source, row.EnteredBy, row.Now });
            }
            else continue;
            current[answer.Item] = answer.Value;
            changed++;
        }
        if (changed == 0) return new RecordedAnswers(current, 0, false);

        // A follow-up's consensus class needs the baseline and its alert rules the whole trajectory: one read serves both.
        var history = survey.IsFollowUp ? await EnrollmentHistory.LoadAsync(session, survey.EnrollmentId) : null;
        var scores = await UpdateScoresAsync(session, survey, current, history?.Baseline);
        if (history is not null)
            await alerts.EvaluateAsync(session, survey.EnrollmentId, survey.PatientId, survey.Id, survey.Timepoint, scores.ConsensusClass,
                history.With(new SurveyScores(survey.Id, survey.Timepoint, scores.Vas, scores.AnalgesicChange, scores.Msts?.Total)));

        var completed = false;
        if (items.Keys.All(current.ContainsKey))
        {
            completed = await session.ExecuteAsync(
                "UPDATE surveys SET status = 'completed', completed_at = @now WHERE id = @id AND completed_at IS NULL",
                new { id = survey.Id, now }) == 1;
            if (completed)
                await session.PublishAsync(new SurveyCompleted(survey.Id, survey.EnrollmentId, survey.Timepoint, now,
                    scores.Vas, scores.AnalgesicChange, scores.Msts?.Total, scores.Msts?.Percent));
        }
        return new RecordedAnswers(current, changed, completed);
    }

    public static async Task<Dictionary<string, int>> CurrentAnswersAsync(DbSession session, Guid surveyId) =>
        (await session.QueryAsync<ItemValue>(
            "SELECT item AS Item, value AS Value FROM responses WHERE survey_id = @surveyId", new { surveyId }))
        .ToDictionary(r => r.Item, r => r.Value);

    private sealed record ItemValue
    {
        public string Item { get; init; } = "";
        public int Value { get; init; }
    }

    private sealed record Scores(int? Vas, string? AnalgesicChange, MstsScore? Msts, string? ConsensusClass);

    /// <summary>Keeps the survey's scores beside its answers, and a surveyed baseline on the enrollment.</summary>
    /// <param name="baseline">The enrollment's baseline, for a follow-up survey's consensus class.</param>
    private static async Task<Scores> UpdateScoresAsync(DbSession session, SurveyRecord survey, Dictionary<string, int> answers, int? baseline)
    {
        int? vas = answers.TryGetValue(ItemCodes.Vas, out var v) ? v : null;
        var analgesic = answers.TryGetValue(ItemCodes.Analgesic, out var a) ? Scoring.AnalgesicChange(a) : null;
        var msts = survey.MstsInstrument is { } instrument ? Scoring.Msts(answers, instrument) : null;

        string? consensus = null;
        if (survey.IsFollowUp && vas is { } vasValue)
        {
            if (baseline is { } b) consensus = Scoring.Consensus(b, vasValue, analgesic)?.ToCode();
        }
        else if (!survey.IsFollowUp && vas is not null)
        {
            // A surveyed baseline stands in for a clinic one, never over it.
            await session.ExecuteAsync("""
                UPDATE enrollments SET baseline_vas = @vas, baseline_recorded_at = @now, baseline_source = @source
                WHERE id = @id AND (baseline_source IS NULL OR baseline_source = @source)
                """, new { vas, now = session.Clock.GetUtcNow(), source = BaselineSources.Survey, id = survey.EnrollmentId });
        }

        await session.ExecuteAsync("""
            UPDATE surveys SET vas = @vas, analgesic_change = @analgesic, msts_total = @msts, consensus_class = @consensus
            WHERE id = @id
            """, new { vas, analgesic, msts = msts?.Total, consensus, id = survey.Id });
        return new Scores(vas, analgesic, msts, consensus);
    }
}
