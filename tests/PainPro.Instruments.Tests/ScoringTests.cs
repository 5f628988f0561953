using FsCheck;
using FsCheck.Fluent;
using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.Instruments.Tests;

public class MstsScoringTests
{
    private static readonly string[] LowerItems =
        [ItemCodes.MstsPain, ItemCodes.MstsFunction, ItemCodes.MstsEmotional, ItemCodes.MstsSupports, ItemCodes.MstsWalking, ItemCodes.MstsGait];

    private static readonly string[] UpperItems =
        [ItemCodes.MstsPain, ItemCodes.MstsFunction, ItemCodes.MstsEmotional, ItemCodes.MstsHandPositioning, ItemCodes.MstsDexterity, ItemCodes.MstsLifting];

    [Theory]
    [InlineData(new[] { 5, 5, 5, 5, 5, 5 }, 30, "100.0")]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0 }, 0, "0.0")]
    [InlineData(new[] { 5, 4, 3, 2, 1, 0 }, 15, "50.0")]
    [InlineData(new[] { 1, 0, 0, 0, 0, 0 }, 1, "3.3")]
    [InlineData(new[] { 1, 1, 0, 0, 0, 0 }, 2, "6.7")]
    [InlineData(new[] { 5, 5, 5, 5, 5, 4 }, 29, "96.7")]
    [InlineData(new[] { 3, 3, 5, 1, 3, 2 }, 17, "56.7")]
    public void Lower_extremity_total_is_the_sum_and_percent_is_total_over_thirty(int[] values, int total, string percent)
    {
        var score = Scoring.Msts(Answers(LowerItems, values), InstrumentCodes.MstsLower);

        Assert.Equal(new MstsScore(total, decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)), score);
    }

    [Fact]
    public void Upper_extremity_is_scored_on_its_own_six_items()
    {
        var score = Scoring.Msts(Answers(UpperItems, [4, 4, 5, 3, 2, 1]), InstrumentCodes.MstsUpper);

        Assert.Equal(new MstsScore(19, 63.3m), score);
    }

    [Fact]
    public void Score_is_null_until_all_six_items_are_answered()
    {
        var fiveOfSix = Answers(LowerItems[..5], [5, 5, 5, 5, 5]);

        Assert.Null(Scoring.Msts(fiveOfSix, InstrumentCodes.MstsLower));
    }

    [Fact]
    public void Lower_extremity_answers_do_not_complete_the_upper_extremity_score()
    {
        var lower = Answers(LowerItems, [5, 5, 5, 5, 5, 5]);

        Assert.Null(Scoring.Msts(lower, InstrumentCodes.MstsUpper));
    }

    [Fact]
    public void Answers_to_other_instruments_do_not_count()
    {
        var answers = new Dictionary<string, int>(Answers(LowerItems, [1, 1, 1, 1, 1, 1]))
        {
            [ItemCodes.Vas] = 9,
            [ItemCodes.Analgesic] = 3,
            [ItemCodes.MstsLifting] = 5,
        };

        Assert.Equal(6, Scoring.Msts(answers, InstrumentCodes.MstsLower)?.Total);
    }

    [Fact]
    public void An_answer_out_of_range_is_refused()
    {
        var answers = Answers(LowerItems, [5, 5, 5, 5, 5, 6]);

        Assert.Throws<ArgumentOutOfRangeException>(() => Scoring.Msts(answers, InstrumentCodes.MstsLower));
    }

    [Theory]
    [InlineData(InstrumentCodes.Vas)]
    [InlineData("msts")]
    public void Only_msts_instruments_have_an_msts_score(string instrumentCode)
    {
        Assert.Throws<ArgumentException>(() => Scoring.Msts(new Dictionary<string, int>(), instrumentCode));
    }

    [Fact]
    public void Percent_is_within_a_rounding_step_of_total_over_thirty_for_any_answers()
    {
        var answers = Gen.Choose(0, 5).ArrayOf(6).ToArbitrary();

        Prop.ForAll(answers, values =>
            {
                var score = Scoring.Msts(Answers(UpperItems, values), InstrumentCodes.MstsUpper)!;
                var exact = score.Total * 100m / 30;
                return score.Total == values.Sum()
                    && Math.Abs(score.Percent - exact) <= 0.05m
                    && score.Percent == decimal.Round(score.Percent, 1);
            })
            .QuickCheckThrowOnFailure();
    }

    private static IReadOnlyDictionary<string, int> Answers(string[] items, int[] values) =>
        items.Zip(values).ToDictionary(pair => pair.First, pair => pair.Second);
}

/// <summary>Chow 2012 consensus classes, DESIGN §6: one test per branch, then the precedence and the invariants.</summary>
public class ConsensusTests
{
    private const string Less = AnalgesicChanges.Less;
    private const string Same = AnalgesicChanges.Same;
    private const string More = AnalgesicChanges.More;

    [Theory]
    [InlineData(8, 0, Less)]
    [InlineData(8, 0, Same)]
    [InlineData(1, 0, Same)]
    [InlineData(0, 0, Same)]
    public void Pain_zero_without_more_analgesics_is_complete(int baseline, int vas, string analgesic) =>
        Assert.Equal(ConsensusClass.Complete, Scoring.Consensus(baseline, vas, analgesic));

    [Theory]
    [InlineData(8, 6, Same)]
    [InlineData(8, 5, Less)]
    [InlineData(10, 1, Same)]
    public void Pain_down_two_or_more_without_more_analgesics_is_partial(int baseline, int vas, string analgesic) =>
        Assert.Equal(ConsensusClass.Partial, Scoring.Consensus(baseline, vas, analgesic));

    [Theory]
    [InlineData(5, 5)]
    [InlineData(5, 4)]
    [InlineData(9, 9)]
    public void Less_analgesics_with_pain_not_up_is_partial(int baseline, int vas) =>
        Assert.Equal(ConsensusClass.Partial, Scoring.Consensus(baseline, vas, Less));

    [Theory]
    [InlineData(4, 6)]
    [InlineData(4, 10)]
    [InlineData(0, 2)]
    public void Pain_up_two_or_more_with_analgesics_the_same_is_progression(int baseline, int vas) =>
        Assert.Equal(ConsensusClass.Progression, Scoring.Consensus(baseline, vas, Same));

    [Theory]
    [InlineData(5, 5)]
    [InlineData(5, 6)]
    [InlineData(0, 0)]
    public void More_analgesics_with_pain_the_same_or_up_one_is_progression(int baseline, int vas) =>
        Assert.Equal(ConsensusClass.Progression, Scoring.Consensus(baseline, vas, More));

    [Theory]
    [InlineData(5, 6, Same)] // pain up one, analgesics stable
    [InlineData(5, 4, Same)] // pain down one, analgesics stable
    [InlineData(5, 6, Less)] // analgesics down but pain up
    [InlineData(4, 6, Less)] // pain up two, but analgesics down rather than stable
    [InlineData(5, 7, More)] // analgesics up with pain up two: neither progression branch as published
    [InlineData(8, 5, More)] // pain down three, but analgesics up
    [InlineData(2, 0, More)] // pain zero, but analgesics up
    public void Anything_else_is_indeterminate(int baseline, int vas, string analgesic) =>
        Assert.Equal(ConsensusClass.Indeterminate, Scoring.Consensus(baseline, vas, analgesic));

    [Fact]
    public void Complete_takes_precedence_over_partial()
    {
        // Pain 8 → 0 with fewer analgesics meets both definitions.
        Assert.Equal(ConsensusClass.Complete, Scoring.Consensus(8, 0, Less));
    }

    [Fact]
    public void Without_the_analgesic_answer_there_is_no_class()
    {
        Assert.Null(Scoring.Consensus(8, 0, null));
    }

    [Fact]
    public void More_analgesics_is_never_a_response_and_fewer_is_never_progression()
    {
        foreach (var baseline in Enumerable.Range(0, 11))
        {
            foreach (var vas in Enumerable.Range(0, 11))
            {
                Assert.DoesNotContain(Scoring.Consensus(baseline, vas, More), new ConsensusClass?[] { ConsensusClass.Complete, ConsensusClass.Partial });
                Assert.NotEqual(ConsensusClass.Progression, Scoring.Consensus(baseline, vas, Less));
            }
        }
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(5, 11)]
    public void A_vas_out_of_range_is_refused(int baseline, int vas)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Scoring.Consensus(baseline, vas, Same));
    }

    [Fact]
    public void An_unknown_analgesic_change_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Scoring.Consensus(5, 5, "fewer"));
    }

    [Theory]
    [InlineData(ConsensusClass.Complete, "complete")]
    [InlineData(ConsensusClass.Partial, "partial")]
    [InlineData(ConsensusClass.Progression, "progression")]
    [InlineData(ConsensusClass.Indeterminate, "indeterminate")]
    public void Classes_are_spelled_in_lower_case_for_the_api(ConsensusClass consensus, string code) =>
        Assert.Equal(code, consensus.ToCode());
}

public class AnalgesicChangeTests
{
    [Theory]
    [InlineData(1, AnalgesicChanges.Less)]
    [InlineData(2, AnalgesicChanges.Same)]
    [InlineData(3, AnalgesicChanges.More)]
    public void Answer_maps_to_the_change_word(int answer, string change) =>
        Assert.Equal(change, Scoring.AnalgesicChange(answer));

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Answer_out_of_range_is_refused(int answer) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Scoring.AnalgesicChange(answer));
}
