namespace PainPro.Benchmarks;

/// <summary>How big each section runs. The smoke size only proves the harness and the services still work.</summary>
public sealed record BenchmarkPlan(
    string Name,
    int RawMessages,
    int RawRoundTrips,
    int DispatchSurveys,
    IReadOnlyList<int> ReplyRates,
    TimeSpan ReplyStep,
    IReadOnlyList<int> ScaleSizes,
    int ScaleDue,
    int WarmUpSurveys,
    int ProfileItems,
    TimeSpan StatsFlush,
    int PostgresJobs,
    int InMemoryJobs,
    TimeSpan? IdleWindow)
{
    /// <summary>About 5 minutes on a quiet 2-core machine. The reply steps answer 18,750 of the 20,000 surveys the dispatch opens.</summary>
    public static readonly BenchmarkPlan Full = new("full",
        RawMessages: 50_000, RawRoundTrips: 1_000,
        DispatchSurveys: 20_000,
        ReplyRates: [250, 500, 1_000, 2_000], ReplyStep: TimeSpan.FromSeconds(5),
        ScaleSizes: [10_000, 100_000, 1_000_000], ScaleDue: 20_000,
        WarmUpSurveys: 500, ProfileItems: 300, StatsFlush: TimeSpan.FromSeconds(11),
        PostgresJobs: 3_000, InMemoryJobs: 30_000, IdleWindow: TimeSpan.FromSeconds(20));

    /// <summary>About a minute: what <c>tests/run.sh</c> runs so the harness cannot rot.</summary>
    public static readonly BenchmarkPlan Smoke = new("smoke",
        RawMessages: 2_000, RawRoundTrips: 100,
        DispatchSurveys: 200,
        ReplyRates: [100], ReplyStep: TimeSpan.FromSeconds(2),
        ScaleSizes: [10_000], ScaleDue: 400,
        WarmUpSurveys: 20, ProfileItems: 30, StatsFlush: TimeSpan.FromSeconds(1.5),
        PostgresJobs: 100, InMemoryJobs: 1_000, IdleWindow: null);

    /// <summary>Warm-up replies are answered at this rate: enough to compile the hot paths, too little to queue.</summary>
    public const int WarmUpReplyRate = 100;

    public const int Prefetch = 32; // PainPro:Bus:PrefetchCount's default, so the raw consumer matches the services'
}
