using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PainPro.Portal.Clients;
using PainPro.Testing;
using Xunit;
using Xunit.Abstractions;

namespace PainPro.Portal.Tests;

/// <summary>
/// The demo as a newcomer gets it: AllInOne seeds the cohort through the public APIs on first start, and every
/// Portal page then answers. Then a large health system is loaded beside it (<see cref="ScaleCohort"/>: 50,000
/// enrollments, 10,000 unresolved alerts), every unresolved alert is checked to be on the worklist and under its
/// filters, and the worklist and dashboard are timed again. Page times are printed (and written to tests/.artifacts)
/// as the README's benchmark figures; nothing asserts on them, as timing on a shared CI machine is not a pass/fail matter.
/// </summary>
public sealed class DemoBenchmarkTests(ITestOutputHelper output)
{
    private const int Rounds = 15;

    [Fact]
    public async Task Demo_cohort_is_seeded_through_the_APIs_and_every_page_answers_with_it_loaded()
    {
        var seeding = Stopwatch.StartNew();
        await using var system = await PortalSystem.StartAsync(demo: true);
        var marker = Path.Combine(system.Host.App.Configuration["PainPro:DataDirectory"]!, "demo-seed.json");
        await Eventually.TrueAsync(async () => File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Contains("complete"),
            "the demo seed to complete", TimeSpan.FromMinutes(8));
        seeding.Stop();

        // The cohort is there, it has lived through every timepoint, and the nurse has work left.
        var api = system.Host.CreateClient();
        var enrollments = await api.GetFromJsonAsync<List<EnrollmentListItem>>("/api/enrollments");
        Assert.Equal(200, enrollments!.Count);
        Assert.True(enrollments.Select(e => e.ProcedureType).Distinct().Count() >= 6, "the cohort spans the procedure types");
        var summary = await api.GetFromJsonAsync<List<OutcomeSummaryRow>>("/api/outcomes/summary");
        Assert.All(summary!.Where(r => r.Timepoint != "baseline"), row => Assert.True(row.Vas.N > 10, $"{row.Timepoint} has answers"));
        Assert.True(summary!.Single(r => r.Timepoint == "month1").Msts.N > 5, "month 1 has MSTS scores");
        var open = await api.GetFromJsonAsync<List<AlertView>>("/api/alerts?status=open");
        var resolved = await api.GetFromJsonAsync<List<AlertView>>("/api/alerts?status=resolved");
        Assert.NotEmpty(open!);
        Assert.NotEmpty(resolved!);
        var clock = (await api.GetFromJsonAsync<ClockView>("/dev/clock"))!;
        Assert.InRange(clock.Now, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));

        using var manager = new StaffClient(system.BaseUrl);
        using var admin = new StaffClient(system.BaseUrl);
        await manager.SignInAsync("manager");
        await admin.SignInAsync("admin");
        var patient = enrollments.First().PatientId;
        var pages = new (string Name, StaffClient Client, string Path)[]
        {
            ("Worklist", manager, "/"),
            ("Worklist, high only", manager, "/?severity=high"),
            ("Worklist rows (auto-refresh)", manager, "/?handler=Rows"),
            ("Worklist, past target first", manager, "/?sort=overdue"),
            ("Worklist, taken by me", manager, "/?assigned=me"),
            ("Alert", manager, $"/alerts/{open![0].AlertId}"),
            ("Patient search", manager, "/patients?q=Wa"),
            ("Patient search, accents", manager, "/patients?q=lucia"),
            ("Patient search, phone", manager, "/patients?q=%28555%29%20200-0001"),
            ("Patient", manager, $"/patients/{patient}"),
            ("Dashboard, all procedures", manager, "/dashboard"),
            ("Dashboard, cementoplasty", manager, "/dashboard?procedureType=cementoplasty&from=2000-01-01&to=2100-01-01"),
            ("Dashboard, by quarter", manager, "/dashboard?period=quarter"),
            ("Dashboard CSV", manager, "/dashboard/export/outcomes"),
            ("Dashboard CSV, trends", manager, "/dashboard/export/trends"),
            ("De-identified extract", manager, "/dashboard/export/extract"),
            ("Admin: accounts", admin, "/admin/accounts"),
            ("Admin: API keys", admin, "/admin/api-keys"),
            ("Admin: audit log", admin, "/admin/audit"),
            ("Phone simulator", admin, "/dev/phone?number=%2B15552000001"),
        };

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Portal page times with the demo cohort (200 enrollments), {Rounds} requests each after one warm-up; seeded in {seeding.Elapsed.TotalSeconds:0} s");
        await TimePagesAsync(report, pages);

        await ScreenshotDemoAsync(system, open[0].AlertId);

        // A large health system beside the demo: every unresolved alert on the worklist and under its filters, then the times.
        var loading = Stopwatch.StartNew();
        await ScaleCohort.SeedAsync(system, clock.Now);
        loading.Stop();
        var unresolved = await AssertEveryUnresolvedAlertIsListedAsync(system, api);
        Assert.True(unresolved >= ScaleCohort.UnresolvedAlerts, $"{unresolved} unresolved alerts");
        var scaleAlert = (await api.GetFromJsonAsync<WorklistPage>("/api/alerts/worklist?limit=1", ServiceApiClient.Json))!.Alerts[0].AlertId;
        var twoYears = $"from={DateTime.UtcNow.AddYears(-2):yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}";
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"With {ScaleCohort.Enrollments:N0} more enrollments and {unresolved:N0} unresolved alerts loaded (written in {loading.Elapsed.TotalSeconds:0} s)");
        await TimePagesAsync(report,
        [
            ("Worklist", manager, "/"),
            ("Worklist, past target first", manager, "/?sort=overdue"),
            ("Worklist, one facility, high only", manager, "/?facility=Scale%20North&severity=high"),
            ("Worklist, page 150", manager, "/?page=150"),
            ("Worklist rows (auto-refresh)", manager, "/?handler=Rows"),
            ("Alert", manager, $"/alerts/{scaleAlert}"),
            ("Patient search", manager, "/patients?q=patient4242"),
            ("Dashboard, all procedures, 12 months", manager, "/dashboard"),
            ("Dashboard, kyphoplasty, 12 months", manager, "/dashboard?procedureType=kyphoplasty"),
            ("Dashboard, by quarter, 2 years", manager, $"/dashboard?period=quarter&{twoYears}"),
        ]);

        // Where the all-procedures dashboard's time goes: each request it makes of the services (at once), on its own, and
        // Ingestion's summary and full trends (every group period by period: the trends CSV) beside them.
        var year = $"from={DateTime.UtcNow.AddYears(-1):yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}";
        report.AppendLine();
        report.AppendLine("The requests the all-procedures dashboard makes (the Portal sends them at once), each on its own");
        await TimePagesAsync(report,
        [
            ("Scheduling enrollments, 12 months", api, $"/api/reports/enrollments?{year}"),
            ("Scheduling funnel, 12 months", api, $"/api/reports/delivery-funnel?{year}"),
            ("Ingestion trends, 12 months (the page's)", api, $"/api/outcomes/trends?{year}&period=month&groupsByPeriod=false"),
            ("Scheduling funnel, 2 years", api, $"/api/reports/delivery-funnel?{twoYears}"),
            ("Ingestion trends, 2 years by quarter (the page's)", api, $"/api/outcomes/trends?{twoYears}&period=quarter&groupsByPeriod=false"),
            ("Ingestion summary, 12 months", api, $"/api/outcomes/summary?{year}"),
            ("Ingestion trends, 12 months, every group by period", api, $"/api/outcomes/trends?{year}&period=month"),
            ("Ingestion trends, 2 years by quarter, every group", api, $"/api/outcomes/trends?{twoYears}&period=quarter"),
        ]);

        output.WriteLine(report.ToString());
        var artifacts = Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "portal-benchmark.txt"), report.ToString());

    }

    private static Task TimePagesAsync(StringBuilder report, IEnumerable<(string Name, StaffClient Client, string Path)> pages) =>
        TimePagesAsync(report, pages.Select(p => (p.Name, p.Client.Http, p.Path)));

    private static async Task TimePagesAsync(StringBuilder report, IEnumerable<(string Name, HttpClient Client, string Path)> pages)
    {
        report.AppendLine("page                                                 median ms   max ms");
        foreach (var (name, client, path) in pages)
        {
            using (var warmUp = await client.GetAsync(path))
                Assert.True(warmUp.StatusCode == HttpStatusCode.OK, $"{name} ({path}) answered {(int)warmUp.StatusCode}");
            var times = new List<double>();
            for (var i = 0; i < Rounds; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                times.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            times.Sort();
            report.AppendLine(CultureInfo.InvariantCulture, $"{name,-52} {times[times.Count / 2],9:0.0} {times[^1],8:0.0}");
        }
    }

    /// <summary>
    /// Every unresolved alert is on exactly one page of the worklist, its total says so, and each facility's filter holds
    /// exactly its facet's count: nothing is missing from the list or from its filters, whatever the numbers.
    /// </summary>
    private static async Task<int> AssertEveryUnresolvedAlertIsListedAsync(PortalSystem system, HttpClient api)
    {
        var inDatabase = await system.Host.Services.GetRequiredService<PainPro.Ingestion.IngestionDb>()
            .ReadAsync(c => Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM alerts WHERE status <> 'resolved'"));
        var first = (await api.GetFromJsonAsync<WorklistPage>("/api/alerts/worklist?limit=200", ServiceApiClient.Json))!;
        var seen = new HashSet<Guid>();
        for (var offset = 0; offset < first.Total; offset += 200)
        {
            var page = (await api.GetFromJsonAsync<WorklistPage>($"/api/alerts/worklist?limit=200&offset={offset}", ServiceApiClient.Json))!;
            Assert.Equal(first.Total, page.Total);
            Assert.All(page.Alerts, a => Assert.True(seen.Add(a.AlertId), $"alert {a.AlertId} listed twice"));
        }
        Assert.Equal(first.Total, seen.Count);
        // Each filter's values add up to the whole list, and filtering by a value finds exactly its facet's count.
        var filters = new (string Parameter, IReadOnlyList<FacetCount> Values)[]
        {
            ("status", first.Facets.Status), ("severity", first.Facets.Severity),
            ("facility", first.Facets.Facility), ("procedureType", first.Facets.ProcedureType),
        };
        foreach (var (parameter, values) in filters)
        {
            Assert.Equal(first.Total, values.Sum(f => f.Count));
            foreach (var value in values)
            {
                var filtered = (await api.GetFromJsonAsync<WorklistPage>(
                    $"/api/alerts/worklist?limit=1&{parameter}={Uri.EscapeDataString(value.Value)}", ServiceApiClient.Json))!;
                Assert.True(value.Count == filtered.Total, $"{parameter}={value.Value}: facet {value.Count}, filtered {filtered.Total}");
            }
        }
        Assert.Equal(inDatabase, first.Total);
        return first.Total;
    }

    /// <summary>What a newcomer sees: the demo's worklist, an alert and the dashboard, as artifacts.</summary>
    private static async Task ScreenshotDemoAsync(PortalSystem system, Guid alertId)
    {
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = TestInfrastructure.Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync($"{system.BaseUrl}/login");
        await page.GetByLabel("User name").FillAsync("manager");
        await page.GetByLabel("Password").FillAsync(PortalSystem.Password);
        await page.GetByLabel("Password").PressAsync("Enter");
        await page.WaitForURLAsync($"{system.BaseUrl}/");
        foreach (var (path, name) in new[] { ("/", "demo-worklist"), ($"/alerts/{alertId}", "demo-alert"), ("/dashboard", "demo-dashboard") })
        {
            await page.GotoAsync(system.BaseUrl + path);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, name + ".png"), FullPage = true });
        }
    }

    private sealed record ClockView(DateTimeOffset Now, bool Simulated);
}
