using PainPro.Contracts;

namespace PainPro.Instruments;

/// <param name="Total">Sum of the six items, 0–30.</param>
/// <param name="Percent">Total / 30 × 100, rounded half away from zero to one decimal (0.0–100.0).</param>
public sealed record MstsScore(int Total, decimal Percent);

/// <summary>The international consensus response class for palliative treatment of bone pain (Chow 2012).</summary>
public enum ConsensusClass
{
    Complete,
    Partial,
    Progression,
    Indeterminate,
}

public static class Scoring
{
    /// <summary>The MSTS score of a survey, or null until all six items of the variant are answered.</summary>
    /// <param name="answers">Answers by item code; items of other instruments are ignored.</param>
    /// <param name="instrumentCode"><c>msts-lower</c> or <c>msts-upper</c>.</param>
    /// <exception cref="ArgumentException">The instrument is not an MSTS variant.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An MSTS answer lies outside 0–5.</exception>
    public static MstsScore? Msts(IReadOnlyDictionary<string, int> answers, string instrumentCode)
    {
        if (instrumentCode is not (InstrumentCodes.MstsLower or InstrumentCodes.MstsUpper))
        {
            throw new ArgumentException($"'{instrumentCode}' is not an MSTS instrument.", nameof(instrumentCode));
        }

        var total = 0;
        foreach (var item in InstrumentCatalog.ItemsOf(instrumentCode))
        {
            if (!answers.TryGetValue(item.Code, out var answer))
            {
                return null;
            }

            if (!item.Accepts(answer))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(answers), answer, $"'{item.Code}' is answered {item.Min}–{item.Max}.");
            }

            total += answer;
        }

        // Totals are whole numbers, so total × 100 / 30 never lies exactly on a rounding midpoint;
        // the rounding mode is spelled out so nobody has to check that.
        var percent = Math.Round(total * 100m / InstrumentCatalog.MstsTotalMax, 1, MidpointRounding.AwayFromZero);
        return new MstsScore(total, percent);
    }

    /// <summary>
    /// The consensus response class at one timepoint (Chow 2012, DESIGN §6), first match wins:
    /// <list type="number">
    /// <item>complete: pain 0 and analgesics not up;</item>
    /// <item>partial: pain down by 2 or more and analgesics not up, or analgesics down and pain not up;</item>
    /// <item>progression: pain up by 2 or more with analgesics the same, or analgesics up with pain the same or up by 1;</item>
    /// <item>otherwise indeterminate.</item>
    /// </list>
    /// </summary>
    /// <param name="baselineVas">Pain before the procedure, 0–10.</param>
    /// <param name="vas">Pain at this timepoint, 0–10.</param>
    /// <param name="analgesicChange">"less", "same" or "more" (<see cref="AnalgesicChanges"/>), or null when not answered.</param>
    /// <returns>The class, or null when the analgesic change is unknown (the class cannot be derived without it).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A VAS lies outside 0–10.</exception>
    /// <exception cref="ArgumentException">The analgesic change is not one of the three words.</exception>
    public static ConsensusClass? Consensus(int baselineVas, int vas, string? analgesicChange)
    {
        EnsureVas(baselineVas, nameof(baselineVas));
        EnsureVas(vas, nameof(vas));
        if (analgesicChange is null)
        {
            return null;
        }

        if (analgesicChange is not (AnalgesicChanges.Less or AnalgesicChanges.Same or AnalgesicChanges.More))
        {
            throw new ArgumentException($"Unknown analgesic change '{analgesicChange}'.", nameof(analgesicChange));
        }

        var analgesicsUp = analgesicChange == AnalgesicChanges.More;
        var analgesicsDown = analgesicChange == AnalgesicChanges.Less;
        var analgesicsStable = analgesicChange == AnalgesicChanges.Same;
        var rise = vas - baselineVas; // negative when pain fell

        if (vas == 0 && !analgesicsUp)
        {
            return ConsensusClass.Complete;
        }

        if ((rise <= -2 && !analgesicsUp) || (analgesicsDown && rise <= 0))
        {
            return ConsensusClass.Partial;
        }

        if ((rise >= 2 && analgesicsStable) || (analgesicsUp && rise is 0 or 1))
        {
            return ConsensusClass.Progression;
        }

        return ConsensusClass.Indeterminate;
    }

    /// <summary>The analgesic answer 1, 2 or 3 as "less", "same" or "more".</summary>
    /// <exception cref="ArgumentOutOfRangeException">The answer is not 1, 2 or 3.</exception>
    public static string AnalgesicChange(int answer) => answer switch
    {
        1 => AnalgesicChanges.Less,
        2 => AnalgesicChanges.Same,
        3 => AnalgesicChanges.More,
        _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, "The analgesic answer is 1, 2 or 3."),
    };

    /// <summary>The API / database spelling of a class: "complete", "partial", "progression", "indeterminate".</summary>
    public static string ToCode(this ConsensusClass consensus) => consensus switch
    {
        ConsensusClass.Complete => "complete",
        ConsensusClass.Partial => "partial",
        ConsensusClass.Progression => "progression",
        ConsensusClass.Indeterminate => "indeterminate",
        _ => throw new ArgumentOutOfRangeException(nameof(consensus), consensus, null),
    };

    private static void EnsureVas(int value, string name)
    {
        if (!InstrumentCatalog.Vas.Accepts(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "A VAS is 0–10.");
        }
    }
}
