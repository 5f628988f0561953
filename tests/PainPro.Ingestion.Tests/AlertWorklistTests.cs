using Dapper;
using PainPro.Contracts;
using PainPro.Ingestion.Alerts;
using PainPro.Testing;

namespace PainPro.Ingestion.Tests;

/// <summary>
/// The worklist query on both dialects, against what the test computes itself from the rows it wrote: every unresolved
/// alert is on exactly one page, the totals and facets count them all, the filters and sorts are the database's.
/// </summary>
public sealed class AlertWorklistTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly AcknowledgeTargets Targets = new(TimeSpan.FromHours(4), TimeSpan.FromHours(24), TimeSpan.FromHours(72));

    private sealed record Seeded(Guid Id, string Severity, string Status, string? Facility, string? Procedure, DateTimeOffset RaisedAt,
        DateTimeOffset? HighSince, string? AssignedTo, string Timepoint)
    {
        public DateTimeOffset Due => (Severity == "high" ? HighSince ?? RaisedAt : RaisedAt) + Targets.For(Severity);
        public bool Overdue => Status == "open" && Due < Now;
    }

    /// <summary>130 alerts over three facilities, two procedures, every severity and status, some taken, one without its enrollment.</summary>
    private static async Task<List<Seeded>> SeedAsync(IngestionDb db)
    {
        var random = new Random(19);
        string[] severities = ["high", "medium", "low"], statuses = ["open", "open", "acknowledged", "resolved"];
        string[] facilities = ["Main", "North", "West & Co"], procedures = ["cementoplasty", "kyphoplasty"];
        string[] timepoints = ["day3", "month1", "month3"];
        var seeded = new List<Seeded>();
        await db.InTransactionAsync(async session =>
        {
            for (var i = 0; i < 130; i++)
            {
                var severity = severities[random.Next(3)];
                // Half a minute off the hour, so no due time falls exactly on "now".
                var raised = Now - TimeSpan.FromMinutes(random.Next(1, 60 * 24 * 10)) - TimeSpan.FromSeconds(30);
                var alert = new Seeded(Guid.CreateVersion7(), severity, statuses[random.Next(4)],
                    i == 0 ? null : facilities[random.Next(3)], i == 0 ? null : procedures[random.Next(2)], raised,
                    severity == "high" && i % 5 == 0 ? raised.AddHours(2) : severity == "high" ? raised : null,
                    i % 7 == 0 ? "nurse.kim" : i % 11 == 0 ? "nurse.jo" : null, timepoints[random.Next(3)]);
                var enrollmentId = Guid.CreateVersion7();
                if (alert.Facility is not null)
                    await session.ExecuteAsync("""
                        INSERT INTO enrollments (id, patient_id, procedure_type, body_site, facility, performed_at, created_at)
                        VALUES (@enrollmentId, @patientId, @Procedure, 'femur', @Facility, @raised, @raised)
                        """, new { enrollmentId, patientId = Guid.CreateVersion7(), alert.Procedure, alert.Facility, raised });
                await session.ExecuteAsync("""
                    INSERT INTO alerts (id, enrollment_id, patient_id, survey_id, timepoint, rules, severity, summary, status, raised_at,
                                        updated_at, high_since, assigned_to, resolved_at)
                    VALUES (@Id, @enrollmentId, @patientId, @surveyId, @Timepoint, 'no-relief', @Severity, 'summary', @Status, @RaisedAt,
                            @RaisedAt, @HighSince, @AssignedTo, @resolvedAt)
                    """, new
                {
                    alert.Id, enrollmentId, patientId = Guid.CreateVersion7(), surveyId = Guid.CreateVersion7(), alert.Timepoint, alert.Severity,
                    alert.Status, alert.RaisedAt, alert.HighSince, alert.AssignedTo,
                    resolvedAt = alert.Status == "resolved" ? Now : (DateTimeOffset?)null,
                });
                seeded.Add(alert);
            }
        });
        return seeded;
    }

    private static Task<WorklistPage> QueryAsync(IngestionDb db, WorklistQuery query) =>
        db.ReadAsync(c => AlertWorklist.QueryAsync(c, db.Dialect, Now, query, Targets));

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_unresolved_alert_is_on_exactly_one_page_most_severe_and_longest_past_target_first(string provider)
    {
        await using var database = await TestDatabase.CreateAsync<IngestionDb>(provider);
        var seeded = await SeedAsync(database.Db);
        var unresolved = seeded.Where(a => a.Status != "resolved").ToList();

        var pages = new List<WorklistPage>();
        for (var offset = 0; offset < unresolved.Count + 20; offset += 20)
            pages.Add(await QueryAsync(database.Db, new WorklistQuery(Limit: 20, Offset: offset)));

        var listed = pages.SelectMany(p => p.Alerts).ToList();
        Assert.All(pages, p => Assert.Equal(unresolved.Count, p.Total));
        Assert.Equal(unresolved.Count(a => a.Overdue), pages[0].Overdue);
        var expected = unresolved.OrderByDescending(a => AlertSeverities.Rank(a.Severity)).ThenBy(a => a.Due).ThenBy(a => a.Id).Select(a => a.Id);
        Assert.Equal(expected, listed.Select(a => a.AlertId));
        Assert.All(listed, a => Assert.Equal(seeded.Single(s => s.Id == a.AlertId).Due, a.AcknowledgeDueAt));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filters_and_facets_count_what_the_database_holds_including_alerts_whose_enrollment_is_unknown(string provider)
    {
        await using var database = await TestDatabase.CreateAsync<IngestionDb>(provider);
        var seeded = await SeedAsync(database.Db);
        var unresolved = seeded.Where(a => a.Status != "resolved").ToList();

        var page = await QueryAsync(database.Db, new WorklistQuery(Severity: "high", Facility: "West & Co", Status: "open", Limit: 200));
        var unknown = await QueryAsync(database.Db, new WorklistQuery(Facility: AlertWorklist.Unknown, Limit: 200));
        var mine = await QueryAsync(database.Db, new WorklistQuery(Assigned: WorklistAssignments.Me, Actor: "nurse.kim", Limit: 200));
        var available = await QueryAsync(database.Db, new WorklistQuery(Assigned: WorklistAssignments.Available, Actor: "nurse.kim", Limit: 200));

        Assert.Equal(unresolved.Where(a => a is { Severity: "high", Facility: "West & Co", Status: "open" }).Select(a => a.Id).Order(),
            page.Alerts.Select(a => a.AlertId).Order());
        Assert.Equal(unresolved.Count(a => a.Facility is null), unknown.Total);
        Assert.Equal(unresolved.Count(a => a.AssignedTo == "nurse.kim"), mine.Total);
        Assert.Equal(unresolved.Count(a => a.AssignedTo is null or "nurse.kim"), available.Total);
        // Facets ignore the filters (so a filter can be widened) and add up to every unresolved alert.
        foreach (var facets in new[] { page.Facets, unknown.Facets })
        {
            Assert.Equal(unresolved.GroupBy(a => a.Facility ?? AlertWorklist.Unknown).Select(g => (g.Key, g.Count())).OrderBy(x => x.Key, StringComparer.Ordinal),
                facets.Facility.Select(f => (f.Value, f.Count)).OrderBy(x => x.Value, StringComparer.Ordinal));
            Assert.Equal(unresolved.Count, facets.Severity.Sum(f => f.Count));
            Assert.Equal(unresolved.Count, facets.ProcedureType.Sum(f => f.Count));
            Assert.Equal(["open", "acknowledged"], facets.Status.Select(f => f.Value));
        }
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sorting_by_overdue_raised_facility_and_timepoint_follows_the_rows(string provider)
    {
        await using var database = await TestDatabase.CreateAsync<IngestionDb>(provider);
        var unresolved = (await SeedAsync(database.Db)).Where(a => a.Status != "resolved").ToList();

        async Task<List<Guid>> Sorted(string sort, bool? descending = null) =>
            [.. (await QueryAsync(database.Db, new WorklistQuery(Sort: sort, Descending: descending, Limit: 200))).Alerts.Select(a => a.AlertId)];

        // Open alerts first, the most past target (earliest due) first; alerts of other severities may share a due time.
        var overdue = (await Sorted(WorklistSorts.Overdue)).Select(id => unresolved.Single(a => a.Id == id)).ToList();
        Assert.Equal(unresolved.Select(a => a.Id).Order(), overdue.Select(a => a.Id).Order());
        Assert.Equal(overdue.OrderBy(a => a.Status == "open" ? 0 : 1).ThenBy(a => a.Due).Select(a => (a.Status == "open", a.Due)),
            overdue.Select(a => (a.Status == "open", a.Due)));
        Assert.True(overdue[0].Overdue);
        var leastOverdueFirst = (await Sorted(WorklistSorts.Overdue, descending: false)).Select(id => unresolved.Single(a => a.Id == id)).ToList();
        Assert.Equal(leastOverdueFirst.OrderBy(a => a.Status == "open" ? 0 : 1).ThenByDescending(a => a.Due).Select(a => a.Due),
            leastOverdueFirst.Select(a => a.Due));
        Assert.Equal(unresolved.Select(a => a.RaisedAt).OrderDescending(),
            (await Sorted(WorklistSorts.Raised)).Select(id => unresolved.Single(a => a.Id == id).RaisedAt));
        Assert.Equal(unresolved.Select(a => a.RaisedAt).Order(),
            (await Sorted(WorklistSorts.Raised, descending: false)).Select(id => unresolved.Single(a => a.Id == id).RaisedAt));
        Assert.Equal(unresolved.Select(a => a.Facility ?? "").Order(StringComparer.Ordinal),
            (await Sorted(WorklistSorts.Facility)).Select(id => unresolved.Single(a => a.Id == id).Facility ?? ""));
        Assert.Equal(unresolved.Select(a => a.Timepoint).OrderBy(t => Array.IndexOf(["day3", "month1", "month3"], t)),
            (await Sorted(WorklistSorts.Timepoint)).Select(id => unresolved.Single(a => a.Id == id).Timepoint));
    }
}
