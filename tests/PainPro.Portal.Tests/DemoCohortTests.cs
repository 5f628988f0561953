using PainPro.AllInOne.Demo;
using PainPro.Contracts;
using PainPro.Scheduling.Protocols;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class DemoCohortTests
{
    private static readonly IReadOnlyList<DemoPatient> Cohort = DemoCohort.Create(200, TimeSpan.FromDays(120));

    [Fact]
    public void The_same_seed_gives_the_same_cohort() =>
        Assert.Equal(Cohort.Select(p => (p.Mrn, p.GivenName, p.ProcedureType, p.BaselineVas, p.Answers["day3"].Vas)),
            DemoCohort.Create(200, TimeSpan.FromDays(120)).Select(p => (p.Mrn, p.GivenName, p.ProcedureType, p.BaselineVas, p.Answers["day3"].Vas)));

    [Fact]
    public void Every_patient_is_one_Scheduling_accepts()
    {
        Assert.Equal(200, Cohort.Select(p => p.ExternalId).Distinct().Count());
        Assert.Equal(200, Cohort.Select(p => p.Mrn).Distinct().Count());
        Assert.Equal(200, Cohort.Select(p => p.Phone).Distinct().Count());
        Assert.All(Cohort, p =>
        {
            Assert.Contains(p.ProcedureType, ProcedureTypes.BuiltIn);
            Assert.True(BodySites.IsKnown(p.BodySite), p.BodySite);
            Assert.Matches(@"^\+1555\d{7}$", p.Phone);
            Assert.True(p.Channel == Channels.Sms || p.Email is not null, "an email patient has an email address");
            Assert.InRange(p.BaselineVas, 0, 10);
            Assert.All(p.Answers.Values, a => Assert.InRange(a.Vas, 0, 10));
        });
    }

    [Fact]
    public void The_cohort_spans_procedures_channels_languages_and_outcomes()
    {
        Assert.Equal(ProcedureTypes.BuiltIn.Order(), Cohort.Select(p => p.ProcedureType).Distinct().Order());
        Assert.Contains(Cohort, p => p.Channel == Channels.Email);
        Assert.Contains(Cohort, p => p.Locale == "es");
        Assert.Contains(Cohort, p => !p.ClinicBaseline);
        Assert.Equal(Enum.GetValues<Trajectory>().Order(), Cohort.Select(p => p.Trajectory).Distinct().Order());
        Assert.Contains(Cohort, p => p.Answers.Values.Any(a => a.When == Responsiveness.Never));
    }

    [Fact]
    public void Responders_fall_by_two_points_or_more_and_progressions_rise()
    {
        Assert.All(Cohort.Where(p => p.Trajectory == Trajectory.Responder), p =>
            Assert.True(p.BaselineVas - p.Answers["month1"].Vas >= 2 || p.Answers["month1"].Vas == 0));
        Assert.All(Cohort.Where(p => p.Trajectory == Trajectory.Progression), p =>
            Assert.True(p.Answers["day3"].Vas >= Math.Min(10, p.BaselineVas + 2)));
    }

    [Fact]
    public void Patients_enroll_in_order_across_the_period_leaving_time_for_a_day_3_answer()
    {
        Assert.True(Cohort.Zip(Cohort.Skip(1)).All(pair => pair.First.EnrolledAfter <= pair.Second.EnrolledAfter + TimeSpan.FromHours(8)));
        Assert.InRange(Cohort[^1].EnrolledAfter, TimeSpan.FromDays(100), TimeSpan.FromDays(111));
        Assert.True(Cohort.Count(p => p.EnrolledAfter < TimeSpan.FromDays(25)) >= 30, "enough patients reach month 3");
    }
}
