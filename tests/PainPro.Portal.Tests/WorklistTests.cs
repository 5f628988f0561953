using PainPro.Portal.Clients;
using PainPro.Portal.Worklist;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>The Portal's side of the worklist: the question it asks Ingestion and how it shows the answer (no filtering here).</summary>
public sealed class WorklistTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static AlertView Alert(string severity, TimeSpan age, TimeSpan target, string status = "open") => new()
    {
        AlertId = Guid.NewGuid(),
        PatientId = Guid.NewGuid(),
        EnrollmentId = Guid.NewGuid(),
        Severity = severity,
        Status = status,
        RaisedAt = Now - age,
        AcknowledgeDueAt = Now - age + target,
        Summary = $"{severity} {age}",
    };

    private static WorklistRow Row(AlertView alert, PatientRecord? patient = null) =>
        WorklistView.Build(new WorklistFilter(), new WorklistPage { Alerts = [alert], Total = 1, Now = Now },
            patient is null ? new Dictionary<Guid, PatientRecord>() : new() { [alert.PatientId] = patient }).Rows.Single();

    [Theory]
    [InlineData(3 * 60 + 59, null)]
    [InlineData(5 * 60, 60)]
    [InlineData(117 * 24 * 60, 117 * 24 * 60 - 4 * 60)]
    public void An_open_alert_is_overdue_by_how_long_it_is_past_Ingestions_target(int ageMinutes, int? overdueMinutes) =>
        Assert.Equal(overdueMinutes is { } m ? TimeSpan.FromMinutes(m) : null,
            Row(Alert("high", TimeSpan.FromMinutes(ageMinutes), TimeSpan.FromHours(4))).OverdueBy);

    [Fact]
    public void An_acknowledged_alert_is_never_overdue() =>
        Assert.Null(Row(Alert("high", TimeSpan.FromDays(3), TimeSpan.FromHours(4), status: "acknowledged")).OverdueBy);

    [Fact]
    public void The_row_carries_the_patient_when_Scheduling_knew_them()
    {
        var alert = Alert("high", TimeSpan.FromHours(1), TimeSpan.FromHours(4));
        var patient = new PatientRecord { PatientId = alert.PatientId, GivenName = "Ana", FamilyName = "Ruiz", Mrn = "000123" };

        Assert.Equal("Ana Ruiz", Row(alert, patient).Patient!.FullName);
        Assert.Null(Row(alert).Patient);
    }

    [Fact]
    public void Unknown_filter_values_are_dropped_rather_than_sent_to_Ingestion()
    {
        var filter = new WorklistFilter(Severity: "urgent", Show: "resolved", Assigned: "everyone", Sort: "'; drop", Dir: "up", Page: -3).Normalized();

        Assert.Equal(new WorklistFilter(), filter);
        Assert.All(filter.Parameters(), p => Assert.Null(p.Value));
    }

    [Fact]
    public void The_question_round_trips_through_the_query_string_that_links_and_next_carry()
    {
        var filter = new WorklistFilter("high", "North & South", "kyphoplasty", "open", "me", "raised", "asc", 3);

        Assert.Equal("?severity=high&facility=North%20%26%20South&procedureType=kyphoplasty&show=open&assigned=me&sort=raised&dir=asc&page=3",
            filter.QueryString());
        Assert.DoesNotContain("page", filter.QueryString(withPage: false));
        Assert.Equal(2 * WorklistFilter.PageSize, filter.Offset);
    }

    [Fact]
    public void Next_asks_for_open_alerts_nobody_else_took_in_the_same_list_after_acknowledging()
    {
        var next = new WorklistFilter(Severity: "high", Facility: "North", Sort: "overdue").NextParameters(openOnly: true).ToDictionary(p => p.Name, p => p.Value);

        Assert.Equal("open", next["status"]);
        Assert.Equal("available", next["assigned"]);
        Assert.Equal("high", next["severity"]);
        Assert.Equal("North", next["facility"]);
        Assert.Equal("overdue", next["sort"]);
        Assert.Equal("acknowledged", new WorklistFilter(Show: "acknowledged").NextParameters(openOnly: false).Single(p => p.Name == "status").Value);
        Assert.Equal("me", new WorklistFilter(Assigned: "me").NextParameters(openOnly: true).Single(p => p.Name == "assigned").Value);
    }

    [Fact]
    public void A_column_header_sorts_by_its_column_in_its_natural_direction_and_flips_when_sorted_already()
    {
        var byDefault = new WorklistFilter(Page: 4);

        Assert.Equal("descending", byDefault.AriaSort("severity"));
        Assert.Null(byDefault.AriaSort("facility"));
        var byFacility = byDefault.SortedBy("facility");
        Assert.Equal(("facility", null, 1), (byFacility.Sort, byFacility.Dir, byFacility.Page));
        Assert.Equal("ascending", byFacility.AriaSort("facility"));
        Assert.Equal("desc", byFacility.SortedBy("facility").Dir);
        Assert.Equal("asc", byDefault.SortedBy("severity").Dir);
        Assert.Equal("descending", byDefault.SortedBy("overdue").AriaSort("overdue"));
    }

    [Fact]
    public void Targets_are_read_per_severity_from_Ingestions_answer()
    {
        var targets = new AcknowledgeTargetsView { HighSeconds = 4 * 3600, MediumSeconds = 24 * 3600, LowSeconds = 72 * 3600 };

        Assert.Equal(TimeSpan.FromHours(4), targets.For("high"));
        Assert.Equal(TimeSpan.FromHours(24), targets.For("medium"));
        Assert.Equal(TimeSpan.FromHours(72), targets.For("low"));
    }

    [Theory]
    [InlineData(0.5, "just now")]
    [InlineData(45, "45 min ago")]
    [InlineData(60 * 3 + 20, "3 h 20 min ago")]
    [InlineData(60 * 24 * 2 + 60 * 4, "2 d 4 h ago")]
    public void Ages_read_short(double minutes, string expected) =>
        Assert.Equal(expected, NurseWorklist.FormatAgo(TimeSpan.FromMinutes(minutes)));
}
