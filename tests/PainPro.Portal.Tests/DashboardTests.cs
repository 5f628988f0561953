using System.Globalization;
using System.Text.Json;
using PainPro.Portal.Clients;
using PainPro.Portal.Dashboard;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class DashboardTests
{
    // What Ingestion answers for GET /api/outcomes/summary (shape and rounding as it writes them).
    private const string SummaryJson = """
        [{"timepoint":"baseline","surveysSent":2,"answered":2,"responseRate":1,"vas":{"n":12,"mean":7.17,"sd":1.03,"median":7,"q1":6.75,"q3":8,"n2":0},"reductionShare":null,"msts":{"n":0,"mean":null,"meanPercent":null},"consensus":{"complete":0,"partial":0,"progression":0,"indeterminate":0}},
         {"timepoint":"day3","surveysSent":12,"answered":9,"responseRate":0.75,"vas":{"n":9,"mean":4.33,"sd":2.12,"median":4,"q1":3,"q3":5.5},"reductionShare":0.6667,"msts":{"n":0,"mean":null,"meanPercent":null},"consensus":{"complete":1,"partial":5,"progression":1,"indeterminate":2}},
         {"timepoint":"month1","surveysSent":10,"answered":7,"responseRate":0.7,"vas":{"n":7,"mean":3.14,"sd":1.86,"median":3,"q1":2,"q3":4.5},"reductionShare":0.8571,"msts":{"n":6,"mean":21.83,"meanPercent":72.78},"consensus":{"complete":1,"partial":4,"progression":0,"indeterminate":2}},
         {"timepoint":"month3","surveysSent":0,"answered":0,"responseRate":null,"vas":{"n":0,"mean":null,"sd":null,"median":null,"q1":null,"q3":null},"reductionShare":null,"msts":{"n":0,"mean":null,"meanPercent":null},"consensus":{"complete":0,"partial":0,"progression":0,"indeterminate":0}}]
        """;

    private static readonly IReadOnlyList<OutcomeSummaryRow> Summary =
        JsonSerializer.Deserialize<List<OutcomeSummaryRow>>(SummaryJson, ServiceApiClient.Json)!;

    private static DashboardReport Report(int enrollments = 12, int alerts = 3) => new(
        new ReportFilter("cementoplasty", new DateOnly(2026, 1, 1), new DateOnly(2026, 6, 30)),
        [.. Enumerable.Range(0, enrollments).Select(i => new EnrollmentListItem
        {
            EnrollmentId = Guid.NewGuid(),
            ProcedureType = i % 3 == 0 ? "kyphoplasty" : "cementoplasty",
            Status = i % 4 == 0 ? "completed" : "active",
        })],
        Summary,
        new AlertStatistics { Alerts = alerts, MedianMinutesToAcknowledge = 95.5m, ByRule = new Dictionary<string, int> { ["no-relief"] = 2, ["severe-pain"] = 1 } });

    [Fact]
    public void The_outcomes_csv_holds_exactly_the_numbers_the_service_gave()
    {
        var csv = Report().Tables.Single(t => t.Name == "outcomes").ToCsv();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("timepoint,surveysSent,answered,responseRate,vasN,vasMean,vasSd,vasMedian,vasQ1,vasQ3,reductionShare,mstsN,mstsMean,mstsMeanPercent,consensusComplete,consensusPartial,consensusProgression,consensusIndeterminate", lines[0]);
        Assert.Equal("day3,12,9,0.75,9,4.33,2.12,4,3,5.5,0.6667,0,,,1,5,1,2", lines[2]);
        Assert.Equal("month1,10,7,0.7,7,3.14,1.86,3,2,4.5,0.8571,6,21.83,72.78,1,4,0,2", lines[3]);
        Assert.Equal("month3,0,0,,0,,,,,,,0,,,0,0,0,0", lines[4]);
    }

    [Fact]
    public void Alerts_per_100_enrollments_divides_the_alerts_of_the_filter_by_its_enrollments()
    {
        Assert.Equal(25.0m, Report(enrollments: 12, alerts: 3).AlertsPer100Enrollments);
        Assert.Equal(33.3m, Report(enrollments: 3, alerts: 1).AlertsPer100Enrollments);
        Assert.Null(Report(enrollments: 0, alerts: 0).AlertsPer100Enrollments);
    }

    [Fact]
    public void Enrollments_are_counted_per_procedure_type_and_status()
    {
        var table = Report().Tables.Single(t => t.Name == "enrollments");

        Assert.Equal(["procedureType", "enrollments", "active", "completed"], table.Headers);
        Assert.Equal(["cementoplasty", "8", "6", "2"], table.Rows[0]);
        Assert.Equal(["kyphoplasty", "4", "3", "1"], table.Rows[1]);
    }

    [Fact]
    public void The_trajectory_always_has_the_four_timepoints_in_protocol_order()
    {
        var points = Report().Trajectory;

        Assert.Equal(["Baseline", "Day 3", "Month 1", "Month 3"], points.Select(p => p.Label));
        Assert.Equal([7m, 4m, 3m, null], points.Select(p => p.Median));
        Assert.False(points[3].HasData);
    }

    [Fact]
    public void Every_dashboard_table_can_be_exported()
    {
        var tables = Report().Tables;

        Assert.Equal(["enrollments", "outcomes", "alerts", "alerts-by-rule"], tables.Select(t => t.Name));
        Assert.Equal("12,3,25,95.5", tables.Single(t => t.Name == "alerts").ToCsv().Split("\r\n")[1]);
        Assert.Equal(["no-relief", "2"], tables.Single(t => t.Name == "alerts-by-rule").Rows[0]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("with,comma", "\"with,comma\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("@sum", "'@sum")]
    public void Csv_cells_are_quoted_and_never_run_as_formulas(string cell, string expected) =>
        Assert.Equal(expected, CsvTable.Escape(cell));

    [Fact]
    public void Numbers_keep_every_digit_in_the_invariant_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.Equal("0.6667", CsvTable.Cell(0.6667m));
            Assert.Equal("", CsvTable.Cell((decimal?)null));
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }
}
