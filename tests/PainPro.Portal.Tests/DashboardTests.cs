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

    // What Ingestion answers for GET /api/outcomes/trends?period=month (a few cells of it).
    private const string TrendsJson = """
        {"period":"month","periods":["2026-01","2026-02","2026-03"],"responseReduction":2,
         "targets":{"highSeconds":14400,"mediumSeconds":86400,"lowSeconds":259200},
         "outcomes":[
           {"dimension":"all","group":null,"period":"2026-01","timepoint":"month1","sent":20,"answered":15,"responseRate":0.75,"paired":14,"reduced":7,"reductionShare":0.5,"consensus":{"complete":1,"partial":6,"progression":2,"indeterminate":5}},
           {"dimension":"all","group":null,"period":"2026-03","timepoint":"month1","sent":4,"answered":3,"responseRate":0.75,"paired":3,"reduced":3,"reductionShare":1,"consensus":{"complete":0,"partial":3,"progression":0,"indeterminate":0}},
           {"dimension":"all","group":null,"period":null,"timepoint":"month1","sent":24,"answered":18,"responseRate":0.75,"paired":17,"reduced":10,"reductionShare":0.5882,"consensus":{"complete":1,"partial":9,"progression":2,"indeterminate":5}},
           {"dimension":"surgeon","group":"Dr. Lee","period":null,"timepoint":"month1","sent":16,"answered":12,"responseRate":0.75,"paired":12,"reduced":9,"reductionShare":0.75,"consensus":{"complete":1,"partial":8,"progression":0,"indeterminate":3}},
           {"dimension":"surgeon","group":"(unknown)","period":null,"timepoint":"month1","sent":8,"answered":6,"responseRate":0.75,"paired":5,"reduced":1,"reductionShare":0.2,"consensus":{"complete":0,"partial":1,"progression":2,"indeterminate":2}}],
         "alerts":[
           {"dimension":"all","group":null,"period":null,"enrollments":12,"alerts":3,"alertsPer100Enrollments":25,"acknowledged":2,"withinTarget":1,"judged":3,"withinTargetShare":0.3333,"medianMinutesToAcknowledge":95.5,"p90MinutesToAcknowledge":180,"byRule":{"no-relief":2,"severe-pain":1}},
           {"dimension":"all","group":null,"period":"2026-01","enrollments":10,"alerts":3,"alertsPer100Enrollments":30,"acknowledged":2,"withinTarget":1,"judged":3,"withinTargetShare":0.3333,"medianMinutesToAcknowledge":95.5,"p90MinutesToAcknowledge":180,"byRule":{"no-relief":2,"severe-pain":1}},
           {"dimension":"surgeon","group":"Dr. Lee","period":null,"enrollments":8,"alerts":1,"alertsPer100Enrollments":12.5,"acknowledged":1,"withinTarget":1,"judged":1,"withinTargetShare":1,"medianMinutesToAcknowledge":30,"p90MinutesToAcknowledge":30,"byRule":{"no-relief":1}},
           {"dimension":"surgeon","group":"(unknown)","period":null,"enrollments":4,"alerts":2,"alertsPer100Enrollments":50,"acknowledged":1,"withinTarget":0,"judged":2,"withinTargetShare":0,"medianMinutesToAcknowledge":161,"p90MinutesToAcknowledge":161,"byRule":{"no-relief":1,"severe-pain":1}}],
         "paired":[{"timepoint":"day3","n":0},{"timepoint":"month1","n":17,"baselineMedian":7,"baselineQ1":6,"baselineQ3":8,"median":4,"q1":3,"q3":6,"meanChange":-2.41},{"timepoint":"month3","n":0}]}
        """;

    private static readonly OutcomeTrends Trends = JsonSerializer.Deserialize<OutcomeTrends>(TrendsJson, ServiceApiClient.Json)!;

    private static DashboardReport Report() => new(
        new ReportFilter("cementoplasty", new DateOnly(2026, 1, 1), new DateOnly(2026, 6, 30)),
        [
            new EnrollmentStatusCount { ProcedureType = "cementoplasty", Status = "active", Count = 6 },
            new EnrollmentStatusCount { ProcedureType = "cementoplasty", Status = "completed", Count = 2 },
            new EnrollmentStatusCount { ProcedureType = "kyphoplasty", Status = "active", Count = 3 },
            new EnrollmentStatusCount { ProcedureType = "kyphoplasty", Status = "completed", Count = 1 },
        ],
        Summary,
        new DashboardTrends(Trends, "month1"),
        [new FunnelStage { Timepoint = "day3", Due = 12, Sent = 11, Reminded = 5, Answered = 9, AnsweredAfterReminder = 3 }]);

    /// <summary>Answers by path (Scheduling's and Ingestion's dashboard requests), and remembers what was asked.</summary>
    private sealed class ServicesHandler(string trendsJson) : HttpMessageHandler
    {
        public List<string> Asked { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            lock (Asked) Asked.Add(request.RequestUri!.PathAndQuery);
            var body = request.RequestUri!.AbsolutePath switch
            {
                "/api/outcomes/trends" => trendsJson,
                "/api/outcomes/summary" => SummaryJson,
                _ => "[]",
            };
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
                { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
        }
    }

    private static (DashboardLoader Loader, ServicesHandler Handler) Loader(string trendsJson)
    {
        var handler = new ServicesHandler(trendsJson);
        HttpClient Http() => new(handler, disposeHandler: false) { BaseAddress = new Uri("http://service.test/") };
        return (new DashboardLoader(new SchedulingClient(Http()), new IngestionClient(Http())), handler);
    }

    private static readonly ReportFilter YearFilter = new(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));

    [Fact]
    public async Task The_page_asks_Ingestion_once_for_the_groups_over_the_whole_range_and_reads_the_summary_from_the_trends()
    {
        var (loader, handler) = Loader(TrendsJson.TrimEnd()[..^1] + ",\"summary\":" + SummaryJson + "}");

        var report = await loader.LoadAsync(YearFilter, DashboardView.Default, default);

        Assert.Equal(["/api/outcomes/trends?from=2026-01-01&to=2026-12-31&period=month&groupsByPeriod=false"],
            handler.Asked.Where(p => p.StartsWith("/api/outcomes/", StringComparison.Ordinal)));
        Assert.Equal(JsonSerializer.Serialize(Summary), JsonSerializer.Serialize(report.Outcomes));
    }

    [Fact]
    public async Task The_csv_asks_for_every_group_period_by_period_and_an_ingestion_without_the_trends_summary_is_asked_for_it()
    {
        var (loader, handler) = Loader(TrendsJson);

        var report = await loader.LoadAsync(YearFilter, DashboardView.Default with { GroupsByPeriod = true }, default);

        Assert.Equal(["/api/outcomes/trends?from=2026-01-01&to=2026-12-31&period=month", "/api/outcomes/summary?from=2026-01-01&to=2026-12-31"],
            handler.Asked.Where(p => p.StartsWith("/api/outcomes/", StringComparison.Ordinal)));
        Assert.Equal(JsonSerializer.Serialize(Summary), JsonSerializer.Serialize(report.Outcomes));
    }

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
    public void Alerts_per_100_enrollments_and_time_to_acknowledge_are_Ingestions_figures_for_the_whole_range()
    {
        var report = Report();

        Assert.Equal(25m, report.AlertsPer100Enrollments);
        Assert.Equal(95.5m, report.Alerts.MedianMinutesToAcknowledge);
        Assert.Equal(180m, report.Alerts.P90MinutesToAcknowledge);
        Assert.Equal(12, report.EnrollmentTotal);
    }

    [Fact]
    public void Trend_series_have_a_point_per_period_with_its_n_and_a_gap_where_nothing_was_sent()
    {
        var trends = Report().Trends;

        Assert.Equal([(0.75, 20), (null, 0), (0.75, 4)], trends.ResponseRate("month1").Select(p => (p.Value, p.N)));
        Assert.Equal([(0.5, 14), (null, 0), (1.0, 3)], trends.ReductionShare("month1").Select(p => (p.Value, p.N)));
        Assert.Equal([(30.0, 10), (null, 0), (null, 0)], trends.AlertsPer100.Select(p => (p.Value, p.N)));
    }

    [Fact]
    public void Funnel_groups_are_the_paired_patients_and_reductions_at_the_chosen_timepoint_largest_first_unknown_last()
    {
        var trends = Report().Trends;

        Assert.Equal(0.5882, trends.FunnelOverall);
        Assert.Equal([new Charts.FunnelGroup("Dr. Lee", 12, 9), new Charts.FunnelGroup("(unknown)", 5, 1)], trends.FunnelGroups("surgeon"));
        Assert.Equal("Not recorded", DashboardTrends.GroupName(trends.Breakdown("surgeon")[1].Group));
        Assert.True(trends.Breakdown("surgeon")[1].Few);
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

        Assert.Equal(["enrollments", "outcomes", "alerts", "alerts-by-rule", "trends", "alert-trends", "response-funnel"], tables.Select(t => t.Name));
        Assert.Equal("12,3,25,95.5,180,0.3333", tables.Single(t => t.Name == "alerts").ToCsv().Split("\r\n")[1]);
        Assert.Equal("day3,12,11,5,9,3", tables.Single(t => t.Name == "response-funnel").ToCsv().Split("\r\n")[1]);
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
