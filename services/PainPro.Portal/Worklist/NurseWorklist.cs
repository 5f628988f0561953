using System.Globalization;
using PainPro.Portal.Clients;

namespace PainPro.Portal.Worklist;

/// <summary>
/// The worklist's question, as its query string carries it (and as "next" on an alert page keeps it): filters, sort and
/// page. Ingestion answers it; nothing is filtered, sorted or counted here.
/// </summary>
/// <param name="Show"><c>open</c> or <c>acknowledged</c>; empty for both.</param>
/// <param name="Assigned"><c>me</c> or <c>none</c>; empty for anyone.</param>
/// <param name="Dir"><c>asc</c> or <c>desc</c>; empty for the sort's own direction.</param>
public sealed record WorklistFilter(
    string? Severity = null,
    string? Facility = null,
    string? ProcedureType = null,
    string? Show = null,
    string? Assigned = null,
    string? Sort = null,
    string? Dir = null,
    int Page = 1)
{
    public const int PageSize = 50;

    public static IReadOnlyList<string> Severities { get; } = ["high", "medium", "low"];
    public static IReadOnlyList<string> Sorts { get; } = ["severity", "overdue", "raised", "facility", "procedure", "timepoint"];

    /// <summary>Only the values Ingestion knows; anything else is dropped rather than sent on.</summary>
    public WorklistFilter Normalized() => this with
    {
        Severity = Severities.Contains(Severity) ? Severity : null,
        Facility = string.IsNullOrWhiteSpace(Facility) ? null : Facility,
        ProcedureType = string.IsNullOrWhiteSpace(ProcedureType) ? null : ProcedureType,
        Show = Show is "open" or "acknowledged" ? Show : null,
        Assigned = Assigned is "me" or "none" ? Assigned : null,
        Sort = Sorts.Contains(Sort) && Sort != "severity" ? Sort : null,
        Dir = Dir is "asc" or "desc" ? Dir : null,
        Page = Math.Max(1, Page),
    };

    public int Offset => (Page - 1) * PageSize;

    /// <summary>Ingestion's parameters for this question (the page is added by the caller).</summary>
    public IEnumerable<(string Name, string? Value)> Parameters() =>
    [
        ("status", Show), ("severity", Severity), ("facility", Facility), ("procedureType", ProcedureType),
        ("assigned", Assigned), ("sort", Sort), ("dir", Dir),
    ];

    /// <summary>
    /// The question "which alert next?" after handling one: the same filters, open alerts only when
    /// <paramref name="openOnly"/> (after acknowledging), and none a colleague has taken.
    /// </summary>
    public IEnumerable<(string Name, string? Value)> NextParameters(bool openOnly) =>
    [
        ("status", openOnly ? "open" : Show), ("severity", Severity), ("facility", Facility), ("procedureType", ProcedureType),
        ("assigned", Assigned ?? "available"), ("sort", Sort), ("dir", Dir),
    ];

    /// <summary>The query-string values of this question: links to other pages and sorts, and "next" on an alert page.</summary>
    public Dictionary<string, string?> RouteValues(bool withPage = true)
    {
        var values = new Dictionary<string, string?>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) values[name] = value; }
        Add("severity", Severity); Add("facility", Facility); Add("procedureType", ProcedureType); Add("show", Show);
        Add("assigned", Assigned); Add("sort", Sort); Add("dir", Dir);
        if (withPage && Page > 1) values["page"] = Page.ToString(CultureInfo.InvariantCulture);
        return values;
    }

    public string QueryString(bool withPage = true) =>
        Microsoft.AspNetCore.Http.QueryString.Create(RouteValues(withPage)).ToUriComponent();

    /// <summary>The same question sorted by <paramref name="sort"/>: another column in its natural direction; the current one flipped.</summary>
    public WorklistFilter SortedBy(string sort)
    {
        var current = Sort ?? "severity";
        if (current != sort) return this with { Sort = sort == "severity" ? null : sort, Dir = null, Page = 1 };
        var descending = Dir is null ? IsNaturallyDescending(sort) : Dir == "desc";
        return this with { Dir = descending ? "asc" : "desc", Page = 1 };
    }

    /// <summary>The most urgent, most overdue and newest come first; names A to Z.</summary>
    public static bool IsNaturallyDescending(string sort) => sort is "severity" or "overdue" or "raised";

    /// <summary><c>ascending</c>, <c>descending</c> or null, for the column header's <c>aria-sort</c>.</summary>
    public string? AriaSort(string sort)
    {
        if ((Sort ?? "severity") != sort) return null;
        return (Dir is null ? IsNaturallyDescending(sort) : Dir == "desc") ? "descending" : "ascending";
    }
}

/// <summary>One alert as the worklist shows it, with what the nurse needs to triage it.</summary>
public sealed record WorklistRow(AlertView Alert, PatientRecord? Patient, TimeSpan Age, TimeSpan? OverdueBy)
{
    public bool IsAcknowledged => Alert.Status == "acknowledged";
}

/// <summary>One page of the worklist as the page renders it.</summary>
public sealed record WorklistView(WorklistFilter Filter, WorklistPage Page, IReadOnlyList<WorklistRow> Rows)
{
    public static readonly WorklistView Empty = new(new WorklistFilter(), new WorklistPage(), []);

    public int PageCount => Math.Max(1, (Page.Total + WorklistFilter.PageSize - 1) / WorklistFilter.PageSize);

    public static WorklistView Build(WorklistFilter filter, WorklistPage page, IReadOnlyDictionary<Guid, PatientRecord> patients)
    {
        var rows = page.Alerts.Select(a =>
        {
            var age = page.Now - a.RaisedAt;
            return new WorklistRow(a, patients.GetValueOrDefault(a.PatientId), age < TimeSpan.Zero ? TimeSpan.Zero : age, a.OverdueBy(page.Now));
        }).ToList();
        return new WorklistView(filter, page, rows);
    }
}

public static class NurseWorklist
{
    /// <summary>"just now", "45 min ago", "2 d 4 h ago".</summary>
    public static string FormatAgo(TimeSpan age) => age < TimeSpan.FromMinutes(1) ? "just now" : FormatAge(age) + " ago";

    /// <summary>"45 min", "3 h 20 min", "2 d 4 h": short enough for a phone-width row.</summary>
    public static string FormatAge(TimeSpan age)
    {
        if (age < TimeSpan.FromMinutes(1)) return "under a minute";
        if (age < TimeSpan.FromHours(1)) return $"{(int)age.TotalMinutes} min";
        if (age < TimeSpan.FromDays(1)) return age.Minutes == 0 ? $"{(int)age.TotalHours} h" : $"{(int)age.TotalHours} h {age.Minutes} min";
        return age.Hours == 0 ? $"{(int)age.TotalDays} d" : $"{(int)age.TotalDays} d {age.Hours} h";
    }
}
