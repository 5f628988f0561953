using PainPro.Contracts;
using PainPro.Ingestion.Http;
using PainPro.Ingestion.Outcomes;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>A new procedure time from Scheduling moves the enrollment in every procedure-time filter.</summary>
public sealed class EnrollmentRescheduledTests
{
    private static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_rescheduled_procedure_is_summarised_under_its_new_time(string provider)
    {
        await using var h = await IngestionHarness.CreateAsync(provider);
        var enrollment = Fixtures.Enrollment(baselineVas: 6, performedAt: March.AddDays(-10));
        await h.ApplyAsync(enrollment);
        var summary = new OutcomesSummary(new OutcomeRollup(h.Db), new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));
        var inMarch = new DateRange(March, March.AddMonths(1));
        var before = await BaselinesAsync(summary, inMarch);

        await h.ApplyAsync(new EnrollmentRescheduled(enrollment.EnrollmentId, March.AddDays(2)));

        Assert.Equal((0L, 1L), (before, await BaselinesAsync(summary, inMarch)));
        Assert.Equal(1, await h.CountAsync("enrollments WHERE id = @EnrollmentId AND performed_at = @PerformedAt",
            new { enrollment.EnrollmentId, PerformedAt = March.AddDays(2) }));
    }

    [Fact]
    public async Task A_reschedule_that_overtakes_its_enrollment_fails_so_the_bus_retries_it()
    {
        await using var h = await IngestionHarness.CreateAsync(TestDatabase.Sqlite);

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ApplyAsync(new EnrollmentRescheduled(Guid.NewGuid(), March)));
    }

    private static async Task<long> BaselinesAsync(OutcomesSummary summary, DateRange range) =>
        (await summary.RunAsync(null, range)).Single(r => r.Timepoint == Timepoints.Baseline).Vas.N;
}
