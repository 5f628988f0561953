using PainPro.Instruments;
using PainPro.Portal.Clients;
using PainPro.Portal.Patients;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class PatientTimelineTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static ResponseView Answer(string timepoint, string item, int value, int minutes = 0, string source = "sms", int? supersededAfter = null) =>
        new()
        {
            Timepoint = timepoint, Item = item, Value = value, Source = source, AnsweredAt = At.AddMinutes(minutes),
            SupersededAt = supersededAfter is { } m ? At.AddMinutes(m) : null,
        };

    private static EnrollmentDetail Enrollment(int? clinicBaseline) => new()
    {
        Baseline = clinicBaseline is { } b ? new BaselineInfo { Vas = b } : null,
        Surveys =
        [
            new ScheduledSurvey { Timepoint = "day3", Status = "completed" },
            new ScheduledSurvey { Timepoint = "month1", Status = "completed" },
            new ScheduledSurvey { Timepoint = "month3", Status = "scheduled" },
        ],
    };

    [Fact]
    public void Each_timepoint_adds_up_its_answers_and_the_consensus_class_against_the_clinic_baseline()
    {
        var timeline = PatientTimeline.Build(Enrollment(clinicBaseline: 8),
        [
            Answer("day3", "vas", 5), Answer("day3", "analgesic", 1),
            Answer("month1", "vas", 0), Answer("month1", "analgesic", 2),
            .. new[] { "msts.pain", "msts.function", "msts.emotional", "msts.supports", "msts.walking", "msts.gait" }
                .Select((item, i) => Answer("month1", item, i % 2 == 0 ? 5 : 3, source: "web")),
        ]);

        Assert.Equal(8, timeline.BaselineVas);
        Assert.Equal("recorded in clinic", timeline.BaselineSource);
        var day3 = timeline.Entries.Single(e => e.Timepoint == "day3");
        Assert.Equal((5, "less", ConsensusClass.Partial), (day3.Vas!.Value, day3.AnalgesicChange, day3.Consensus!.Value));
        var month1 = timeline.Entries.Single(e => e.Timepoint == "month1");
        Assert.Equal(ConsensusClass.Complete, month1.Consensus);
        Assert.Equal(new MstsScore(24, 80.0m), month1.Msts);
        Assert.Null(timeline.Entries.Single(e => e.Timepoint == "month3").Vas);
    }

    [Fact]
    public void The_latest_answer_to_an_item_counts_when_a_form_was_resubmitted()
    {
        var timeline = PatientTimeline.Build(Enrollment(6), [Answer("day3", "vas", 9, 0), Answer("day3", "vas", 4, 30, "web")]);

        var answer = Assert.Single(timeline.Entries.Single(e => e.Timepoint == "day3").Answers);
        Assert.Equal((4, "4/10", "web"), (answer.Value, answer.Display, answer.Source));
    }

    [Fact]
    public void A_revised_answer_keeps_its_earlier_versions_beside_the_current_one_which_is_scored()
    {
        var timeline = PatientTimeline.Build(Enrollment(6),
        [
            Answer("day3", "vas", 9, 0, supersededAfter: 30), Answer("day3", "analgesic", 3, 1, supersededAfter: 30),
            Answer("day3", "vas", 1, 30, "web"), Answer("day3", "analgesic", 1, 30, "web"),
        ]);

        var day3 = timeline.Entries.Single(e => e.Timepoint == "day3");
        var vas = day3.Answers.Single(a => a.Item == "vas");
        Assert.Equal((1, "web", true), (vas.Value, vas.Source, vas.Changed));
        var earlier = Assert.Single(vas.Earlier);
        Assert.Equal(("9/10", "sms", At), (earlier.Display, earlier.Source, earlier.AnsweredAt));
        Assert.Equal((1, "less", ConsensusClass.Partial), (day3.Vas!.Value, day3.AnalgesicChange, day3.Consensus!.Value));
    }

    [Fact]
    public void An_earlier_answer_handled_late_is_not_taken_for_the_current_one()
    {
        // A text that waited for its survey is stored after the form's answer but given before it: Ingestion marks it superseded.
        var timeline = PatientTimeline.Build(Enrollment(6), [Answer("day3", "vas", 2, 10, "web"), Answer("day3", "vas", 9, 0, supersededAfter: 10)]);

        var vas = Assert.Single(timeline.Entries.Single(e => e.Timepoint == "day3").Answers);
        Assert.Equal((2, "9/10"), (vas.Value, Assert.Single(vas.Earlier).Display));
    }

    [Fact]
    public void Without_a_clinic_baseline_the_surveyed_one_is_used()
    {
        var timeline = PatientTimeline.Build(Enrollment(clinicBaseline: null), [Answer("baseline", "vas", 7), Answer("day3", "vas", 3)]);

        Assert.Equal((7, "surveyed"), (timeline.BaselineVas!.Value, timeline.BaselineSource));
        Assert.Equal([7, 3, null, null], timeline.ChartPoints.Select(p => p.Vas));
    }

    [Fact]
    public void Upper_extremity_MSTS_is_scored_on_its_own_items()
    {
        var items = new[] { "msts.pain", "msts.function", "msts.emotional", "msts.hand-positioning", "msts.dexterity", "msts.lifting" };

        var timeline = PatientTimeline.Build(Enrollment(5), [.. items.Select(item => Answer("month3", item, 2))]);

        Assert.Equal(new MstsScore(12, 40.0m), timeline.Entries.Single(e => e.Timepoint == "month3").Msts);
    }

    [Fact]
    public void Answers_read_as_words_with_the_instrument_anchors()
    {
        var timeline = PatientTimeline.Build(null, [Answer("day3", "analgesic", 3), Answer("day3", "vas", 6)]);

        var answers = timeline.Entries.Single().Answers;
        Assert.Equal(["vas", "analgesic"], answers.Select(a => a.Item));
        Assert.StartsWith("3 – ", answers[1].Display);
        Assert.Equal(InstrumentTexts.For("analgesic", "en").Title, answers[1].Title);
    }

    [Fact]
    public void Nothing_scheduled_and_nothing_answered_gives_an_empty_timeline() =>
        Assert.Empty(PatientTimeline.Build(null, []).Entries);
}
