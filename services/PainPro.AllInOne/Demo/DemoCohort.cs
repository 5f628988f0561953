using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.AllInOne.Demo;

/// <summary>How a patient's pain goes after the procedure.</summary>
public enum Trajectory { Responder, PartialResponder, NoRelief, Progression }

/// <summary>When a patient answers a survey: at the first text, after a reminder, or not at all.</summary>
public enum Responsiveness { Prompt, AfterReminder, Never }

/// <summary>What a patient will answer at one timepoint, and when.</summary>
public sealed record PlannedAnswers(Responsiveness When, int Vas, int Analgesic, int MstsLevel)
{
    /// <summary>The survey attempt (0 = first send, 1 = first reminder) after which the patient answers.</summary>
    public int? AnswerAfterAttempt => When switch
    {
        Responsiveness.Prompt => 0,
        Responsiveness.AfterReminder => 1,
        _ => null,
    };

    /// <summary>MSTS items scatter one level around the patient's function level.</summary>
    public int Msts(string itemCode) =>
        Math.Clamp(MstsLevel + (StableHash(itemCode) % 3) - 1, 0, InstrumentCatalog.MstsItemMax);

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return Math.Abs(hash);
    }
}

/// <summary>One synthetic patient: who, what procedure, when (relative to the start of the seed) and how it goes.</summary>
public sealed record DemoPatient(
    int Number,
    string ExternalId,
    string Mrn,
    string GivenName,
    string FamilyName,
    string Phone,
    string? Email,
    string Channel,
    string Locale,
    string TimeZone,
    string Facility,
    string Surgeon,
    string ProcedureType,
    string BodySite,
    TimeSpan EnrolledAfter,
    TimeSpan PerformedAfterEnrollment,
    int BaselineVas,
    bool ClinicBaseline,
    Trajectory Trajectory,
    IReadOnlyDictionary<string, PlannedAnswers> Answers);

/// <summary>
/// The demo cohort: plausible, entirely synthetic patients across every procedure type, spread over the seed
/// period so the newest have only a day-3 answer and the oldest have reached month 3. The same seed always gives
/// the same cohort, so the demo looks the same on every laptop.
/// </summary>
public static class DemoCohort
{
    public static readonly IReadOnlyList<(string Name, string TimeZone)> Facilities =
    [
        ("Main", "America/New_York"),
        ("North", "America/Chicago"),
        ("Riverside", "America/Denver"),
    ];

    private static readonly (string Type, int Weight, string[] Sites)[] Procedures =
    [
        ("cementoplasty", 26, ["pelvis", "acetabulum", "femur", "sacrum", "humerus"]),
        ("vertebroplasty", 20, ["lumbar-spine", "thoracic-spine"]),
        ("kyphoplasty", 14, ["lumbar-spine", "thoracic-spine"]),
        ("separation-surgery", 7, ["thoracic-spine", "lumbar-spine"]),
        ("stabilisation", 10, ["femur", "humerus", "tibia"]),
        ("fixation", 10, ["femur", "humerus", "tibia", "radius"]),
        ("distraction-osteogenesis", 4, ["tibia", "femur"]),
        ("resection-reconstruction", 9, ["femur", "humerus", "tibia", "pelvis"]),
    ];

    private static readonly string[] GivenNames =
    [
        "Olivia", "Liam", "Amara", "Noah", "Grace", "Ethan", "Priya", "James", "Mei", "Samuel", "Hannah", "Omar",
        "Chloe", "Daniel", "Aisha", "Thomas", "Ruth", "Kwame", "Ingrid", "Victor", "Nadia", "George", "Esther", "Arjun",
    ];

    private static readonly string[] FamilyNames =
    [
        "Walker", "Okafor", "Nguyen", "Patel", "Kowalski", "Thompson", "Haddad", "Bennett", "Schmidt", "Osei", "Murphy",
        "Tanaka", "Carter", "Novak", "Ibrahim", "Larsen", "Campbell", "Rossi", "Singh", "Brooks", "Dubois", "Mensah",
    ];

    private static readonly string[] SpanishGivenNames = ["Ana", "Carlos", "Lucía", "Javier", "Carmen", "Diego", "Elena", "Miguel"];
    private static readonly string[] SpanishFamilyNames = ["Ruiz", "García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Torres"];
    private static readonly string[] Surgeons = ["Dr. Lee", "Dr. Adeyemi", "Dr. Moreau", "Dr. Svensson", "Dr. Chen"];

    /// <param name="patients">How many enrollments.</param>
    /// <param name="period">How long before "now" the first patient enrolls; the last enroll about ten days before now.</param>
    public static IReadOnlyList<DemoPatient> Create(int patients, TimeSpan period, int seed = 2026)
    {
        var random = new Random(seed);
        var enrolmentSpan = period - TimeSpan.FromDays(10);
        var cohort = new List<DemoPatient>(patients);
        for (var i = 0; i < patients; i++)
        {
            var number = i + 1;
            var spanish = random.NextDouble() < 0.15;
            var given = spanish ? Pick(random, SpanishGivenNames) : Pick(random, GivenNames);
            var family = spanish ? Pick(random, SpanishFamilyNames) : Pick(random, FamilyNames);
            var (facility, zone) = Facilities[random.Next(Facilities.Count)];
            var (type, sites) = PickProcedure(random);
            var email = random.NextDouble() < 0.4 || i % 7 == 3
                ? $"{Ascii(given)}.{Ascii(family)}.{number}@example.org".ToLowerInvariant()
                : null;
            // About one in seven prefers email; the rest answer texts.
            var channel = email is not null && i % 7 == 3 ? Channels.Email : Channels.Sms;

            // Enrolled through the day shift, evenly over the period, in order.
            var enrolledAfter = TimeSpan.FromTicks(enrolmentSpan.Ticks * i / Math.Max(1, patients))
                + TimeSpan.FromMinutes(random.Next(0, 8 * 60));
            // Most are registered just after the procedure with a clinic baseline; some beforehand, surveyed for one.
            var registeredAhead = random.NextDouble() < 0.15;
            var performedAfterEnrollment = registeredAhead
                ? TimeSpan.FromHours(random.Next(30, 72))
                : -TimeSpan.FromHours(random.Next(2, 20));

            var baseline = WeightedBaseline(random);
            var trajectory = PickTrajectory(random);
            var answers = new Dictionary<string, PlannedAnswers>();
            foreach (var timepoint in Timepoints.All)
            {
                // A patient who never answers one survey is more likely to miss the next, as in life.
                var when = timepoint == Timepoints.Baseline ? Responsiveness.Prompt : PickResponsiveness(random);
                answers[timepoint] = Plan(random, timepoint, baseline, trajectory, when);
            }

            cohort.Add(new DemoPatient(
                number,
                ExternalId: $"DEMO-{number:D4}",
                Mrn: $"{700000 + number * 37:D6}",
                GivenName: given,
                FamilyName: family,
                Phone: $"+1555{2000000 + number:D7}",
                Email: email,
                Channel: channel,
                Locale: spanish ? "es" : "en",
                TimeZone: zone,
                Facility: facility,
                Surgeon: Pick(random, Surgeons),
                ProcedureType: type,
                BodySite: Pick(random, sites),
                EnrolledAfter: enrolledAfter,
                PerformedAfterEnrollment: performedAfterEnrollment,
                BaselineVas: baseline,
                ClinicBaseline: !registeredAhead,
                Trajectory: trajectory,
                Answers: answers));
        }
        return cohort;
    }

    private static PlannedAnswers Plan(Random random, string timepoint, int baseline, Trajectory trajectory, Responsiveness when)
    {
        if (timepoint == Timepoints.Baseline) return new PlannedAnswers(when, baseline, 2, 3);
        var stage = timepoint switch { Timepoints.Day3 => 0, Timepoints.Month1 => 1, _ => 2 };
        var (change, analgesic, msts) = trajectory switch
        {
            // Responders keep improving: ≥ 2 points down from day 3, more by month 3, needing fewer analgesics.
            Trajectory.Responder => (-(2 + stage + random.Next(0, 3)), random.NextDouble() < 0.65 ? 1 : 2, 3 + Math.Min(stage, 2) / 2 + random.Next(0, 2)),
            Trajectory.PartialResponder => (-(1 + random.Next(0, 2) + stage / 2), random.NextDouble() < 0.3 ? 1 : 2, 2 + random.Next(0, 2)),
            Trajectory.NoRelief => (random.Next(-1, 2), random.NextDouble() < 0.4 ? 3 : 2, 1 + random.Next(0, 2)),
            _ => (2 + random.Next(0, 2) + stage / 2, 3, random.Next(0, 2)),
        };
        return new PlannedAnswers(when, Math.Clamp(baseline + change, 0, 10), analgesic, msts);
    }

    private static Responsiveness PickResponsiveness(Random random) => random.NextDouble() switch
    {
        < 0.74 => Responsiveness.Prompt,
        < 0.88 => Responsiveness.AfterReminder,
        _ => Responsiveness.Never,
    };

    private static Trajectory PickTrajectory(Random random) => random.NextDouble() switch
    {
        < 0.55 => Trajectory.Responder,
        < 0.75 => Trajectory.PartialResponder,
        < 0.90 => Trajectory.NoRelief,
        _ => Trajectory.Progression,
    };

    /// <summary>Bone-pain patients come to these procedures hurting: mostly 6–8 of 10.</summary>
    private static int WeightedBaseline(Random random) => random.NextDouble() switch
    {
        < 0.10 => 5,
        < 0.35 => 6,
        < 0.65 => 7,
        < 0.85 => 8,
        _ => 9,
    };

    private static (string Type, string[] Sites) PickProcedure(Random random)
    {
        var roll = random.Next(Procedures.Sum(p => p.Weight));
        foreach (var (type, weight, sites) in Procedures)
        {
            if (roll < weight) return (type, sites);
            roll -= weight;
        }
        return (Procedures[0].Type, Procedures[0].Sites);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Ascii(string name) =>
        new(name.Normalize(System.Text.NormalizationForm.FormD).Where(c => c < 128 && char.IsLetter(c)).ToArray());
}
